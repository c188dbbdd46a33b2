"""What the demo partners contribute: a plausible year, following the council proposal (seed/).

Knowledge and education institutions give hours to Talent, Radboud Universiteit also to Innovatie; the
companies work closely on Marktstrategie; the governments fund the programme organisation (director,
quartermaster, Talent capacity, the business network LSI) from programme Economie en Toerisme,
sub-project E600014-001. `planned_contributions` turns these recipes into dated items with a seeded
random generator: the same day gives the same items. Used by `services.seed_demo_contributions`.
"""

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from contributions.models import Kind

DEMO_RATE = Decimal("60.00")
DEMO_RATE_FROM = date(2026, 1, 1)
DEMO_EVIDENCE_THRESHOLD = Decimal("25000")
BUDGET_CODE = "E600014-001"
SEED = 2026
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")  # fmt: skip


@dataclass(frozen=True)
class Recipe:
    """A kind of contribution a partner makes: `per_quarter` items a quarter, or one a month (`monthly`)."""

    line: str
    kind: str
    descriptions: tuple[str, ...]
    low: int  # hours, or euros
    high: int
    per_quarter: int = 0
    monthly: bool = False
    months: tuple[int, int] = (1, 12)  # first and last month it happens
    funder: str = ""
    budget_code: str = ""


def _funding(funder: str, line: str, what: str, amount: int, months: tuple[int, int] = (1, 12)) -> Recipe:
    return Recipe(line, Kind.MONEY, (what,), amount, amount, monthly=True, months=months, funder=funder,
                  budget_code=BUDGET_CODE)  # fmt: skip


def _hours(line: str, low: int, high: int, per_quarter: int, *descriptions: str) -> Recipe:
    return Recipe(line, Kind.STAFF_HOURS, descriptions, low, high, per_quarter=per_quarter)


def _euros(line: str, kind: str, low: int, high: int, per_quarter: int, *descriptions: str) -> Recipe:
    return Recipe(line, kind, descriptions, low, high, per_quarter=per_quarter)


NIJMEGEN = "Gemeente Nijmegen"
GELDERLAND = "Provincie Gelderland"

RECIPES: dict[str, list[Recipe]] = {
    "gemeente-nijmegen": [
        _funding(NIJMEGEN, "financien", "Bijdrage aan de programmadirecteur", 6250, months=(4, 12)),
        _funding(NIJMEGEN, "financien", "Kwartiermaker programma-organisatie", 7500, months=(1, 4)),
        _funding(NIJMEGEN, "talent", "Extra capaciteit actielijn Talent", 3500),
        _funding(NIJMEGEN, "marktstrategie", "Opbouw bedrijvennetwerk Lifeport Semicon Industries", 2500),
        _hours(
            "ruimte",
            4,
            24,
            4,
            "Afstemming bedrijfslocaties Noviotech Campus",
            "Overleg woningbouw voor technisch personeel",
            "Werksessie bereikbaarheid Lifeport",
            "Ruimtelijke verkenning uitbreiding cleanroomcapaciteit",
        ),
        _hours(
            "public-affairs",
            4,
            16,
            2,
            "Voorbereiding gesprek met het ministerie van Economische Zaken",
            "Bijdrage aan position paper semicon Oost-Nederland",
            "Werkbezoek Tweede Kamerleden aan Lifeport",
        ),
        _euros("public-affairs", Kind.FACILITIES, 300, 900, 1, "Zaal en catering stadhuis voor de regiegroep"),
    ],
    "provincie-gelderland": [
        _funding(GELDERLAND, "financien", "Bijdrage aan de programmadirecteur", 6250, months=(4, 12)),
        _funding(GELDERLAND, "talent", "Extra capaciteit actielijn Talent", 3500),
        _hours(
            "innovatie",
            4,
            20,
            2,
            "Afstemming regionaal innovatiebeleid en OP Oost",
            "Begeleiding aanvraag innovatieregeling voor het cluster",
        ),
        _hours("ruimte", 4, 16, 2, "Provinciaal omgevingsbeleid: werkbezoek Lifeport", "Overleg werklocaties A15"),
        _hours("public-affairs", 2, 12, 2, "Europese semiconagenda: afstemming met Brussel", "Inbreng IPO-overleg"),
        _hours("financien", 4, 16, 1, "Verkenning cofinanciering uit provinciale fondsen"),
    ],
    "radboud-universiteit": [
        _hours(
            "talent",
            4,
            40,
            6,
            "Gastcollege chipontwerp",
            "Ontwikkeling minor Semiconductors",
            "Begeleiding afstudeerders bij bedrijven in het cluster",
            "Bijdrage aan open dag techniek",
            "Zomerschool nanotechnologie",
        ),
        _hours(
            "innovatie",
            8,
            60,
            5,
            "Onderzoekssamenwerking fotonica",
            "Valorisatieworkshop voor startups",
            "Projectvoorstel publiek-private samenwerking",
            "Technologieverkenning halfgeleidermaterialen",
        ),
        _euros("innovatie", Kind.FACILITIES, 500, 4000, 1, "Gebruik cleanroom NanoLab door partners"),
        _euros("talent", Kind.MATERIALS, 200, 1500, 1, "Lesmateriaal en meetapparatuur practicum"),
    ],
    "roc-nijmegen": [
        _hours(
            "talent",
            4,
            32,
            7,
            "Praktijkles mechatronica voor de semiconsector",
            "Ontwikkeling keuzedeel cleanroomtechniek",
            "Begeleiding BBL-studenten in de bedrijven",
            "Open dag techniek",
            "Omscholingstraject operators",
        ),
        _euros("talent", Kind.FACILITIES, 250, 2000, 1, "Gebruik praktijklokaal techniek voor bijscholing"),
    ],
    "nxp": [
        _hours(
            "marktstrategie",
            4,
            40,
            5,
            "Marktanalyse automotive chips",
            "Werksessie marktstrategie LSI",
            "Opzet bedrijvennetwerk Lifeport Semicon Industries",
            "Benchmark semiconclusters in Europa",
        ),
        _hours("talent", 2, 16, 3, "Gastles op ROC Nijmegen", "Bedrijfsbezoek studenten", "Begeleiding stagiairs"),
        _euros("talent", Kind.MATERIALS, 300, 2500, 1, "Wafers en testborden voor het onderwijs"),
        _euros("marktstrategie", Kind.FACILITIES, 250, 1200, 1, "Vergaderruimte en catering sessie LSI"),
    ],
    "asmpt": [
        _hours(
            "marktstrategie",
            4,
            32,
            6,
            "Inbreng marktstrategie: back-end equipment",
            "Werksessie marktstrategie LSI",
            "Klantenanalyse toeleveranciers regio",
        ),
        _hours("talent", 2, 16, 2, "Bedrijfsbezoek MBO-studenten", "Gastles assemblagetechniek", "Stagebegeleiding"),
        _euros("talent", Kind.MATERIALS, 500, 5000, 1, "Bruikleen pick-and-place machine voor praktijklokaal ROC"),
    ],
    "the-economic-board": [
        _hours(
            "marktstrategie",
            4,
            24,
            3,
            "Acquisitie en internationale profilering",
            "Matchmaking toeleveranciers",
        ),
        _hours(
            "public-affairs",
            4,
            24,
            3,
            "Profilering Lifeport op SEMICON Europa",
            "Afstemming met Brainport en Twente",
        ),
        _hours("financien", 4, 24, 2, "Verkenning financieringsinstrumenten", "Voorbereiding Regio Deal-aanvraag"),
        _euros("public-affairs", Kind.FACILITIES, 500, 3000, 1, "Netwerkbijeenkomst Lifeport Semicon"),
        _euros("marktstrategie", Kind.OTHER, 200, 1500, 1, "Reis- en verblijfkosten handelsmissie"),
    ],
}

RETURN_COMMENTS = (
    "Graag de urenverantwoording bijvoegen.",
    "Hoort dit niet bij actielijn Talent? Graag aanpassen of toelichten.",
    "Het bedrag wijkt af van de factuur; graag controleren.",
    "Omschrijving is te summier; wat is er precies gedaan?",
)


@dataclass(frozen=True)
class PlannedItem:
    line: str
    kind: str
    day: date
    description: str
    hours: Decimal | None = None
    amount: Decimal | None = None
    funder: str = ""
    budget_code: str = ""


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _random_workday(rng: random.Random, first: date, last: date) -> date:
    return _workday(first + timedelta(days=rng.randrange((last - first).days + 1)))


def planned_contributions(slug: str, *, first: date, last: date) -> list[PlannedItem]:
    """The partner's demo items dated from `first` to `last` (inclusive), oldest first. Deterministic."""
    rng = random.Random(f"{SEED}-{slug}")
    items: list[PlannedItem] = []
    for recipe in RECIPES.get(slug, []):
        for month in range(1, 13):
            month_start = date(first.year, month, 1)
            month_end = date(first.year, month, calendar.monthrange(first.year, month)[1])
            in_recipe = recipe.months[0] <= month <= recipe.months[1]
            if recipe.monthly:
                days = [_workday(month_start + timedelta(days=4))] if in_recipe else []
            else:
                # per_quarter items spread over the quarter's three months
                count = recipe.per_quarter // 3 + (rng.random() < (recipe.per_quarter % 3) / 3)
                days = [_random_workday(rng, month_start, month_end) for _ in range(count if in_recipe else 0)]
            for day in days:
                description = rng.choice(recipe.descriptions)
                size = rng.randint(recipe.low, recipe.high)
                if recipe.kind == Kind.STAFF_HOURS:
                    item = PlannedItem(recipe.line, recipe.kind, day, description, hours=Decimal(size))
                else:
                    amount = Decimal(size if recipe.monthly else round(size, -1))
                    if recipe.monthly:
                        description = f"{description}, {MONTHS_NL[month - 1]} {day.year}"
                    item = PlannedItem(
                        recipe.line,
                        recipe.kind,
                        day,
                        description,
                        amount=amount,
                        funder=recipe.funder,
                        budget_code=recipe.budget_code,
                    )
                if first <= day <= last:
                    items.append(item)
    items.sort(key=lambda i: (i.day, i.line, i.description))
    return items
