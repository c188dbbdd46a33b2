"""What the demo partners contribute: a plausible year, following the council proposal (seed/).

Knowledge and education institutions give hours to Talent, Radboud Universiteit also to Innovatie; the
companies work closely on Marktstrategie; the governments fund the programme organisation (director,
quartermaster, Talent capacity, the business network LSI) from programme Economie en Toerisme,
sub-project E600014-001. `planned_contributions` turns these recipes into dated items with a seeded
random generator: the same day gives the same items. Used by `seed_demo_contributions` below.
"""

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from actionlines.models import ActionLine
from contributions.models import (
    Contribution,
    ContributionPolicy,
    HourlyRate,
    Kind,
)
from contributions.services import (
    contribution_approve,
    contribution_create,
    contribution_return,
    contributions_bulk_update,
    period_submit,
)
from partners.models import Agreement, Partner

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


def seed_demo_rate_card() -> None:
    """The programme-wide hourly rate of € 60 from 1 January 2026 and the € 25,000 evidence threshold.

    Idempotent: an existing rate or policy (perhaps changed by the office) is left as it is.
    """
    HourlyRate.objects.get_or_create(
        partner=None,
        valid_from=DEMO_RATE_FROM,
        defaults={"rate": DEMO_RATE, "note": "Vast uurtarief programma (gangbaar bij subsidies)"},
    )
    ContributionPolicy.objects.get_or_create(pk=1, defaults={"evidence_threshold": DEMO_EVIDENCE_THRESHOLD})


def _demo_log(item, partner: Partner, rep, lines: dict[str, ActionLine]) -> Contribution:
    return contribution_create(
        partner=partner,
        acting_user=rep,
        action_line=lines[item.line],
        kind=item.kind,
        date=item.day,
        description=item.description,
        hours=item.hours,
        amount=item.amount,
        funder=item.funder,
        budget_code=item.budget_code,
    )


@transaction.atomic
def seed_demo_contributions() -> int:
    """A plausible year of contributions (2026, up to today) for each of the seven parties; returns how many.

    Goes through the real workflow as the demo users (run `seed_demo_users` first): the representative
    logs and submits, the director approves and the office returns a few. Periods whose deadline has
    passed are reviewed; the current period has submitted items and, from the last two weeks, drafts.
    Deterministic (seeded random) and idempotent: a partner that already has contributions is skipped.
    """
    import random
    from datetime import datetime, time

    from django.contrib.auth import get_user_model

    from partners.demo import DEMO_REPRESENTATIVES
    from partners.services import AGREEMENT_2026_TITLE

    seed_demo_rate_card()
    today = timezone.localdate()
    agreement = Agreement.objects.get(title=AGREEMENT_2026_TITLE)
    last = min(today, agreement.ends_on)
    users = get_user_model().objects.in_bulk(
        ["directeur", "bureau", *DEMO_REPRESENTATIVES.values()], field_name="username"
    )
    lines = {line.code: line for line in ActionLine.objects.all()}
    periods = list(agreement.periods.filter(starts_on__lte=last).order_by("starts_on"))
    created = 0
    for slug, username in DEMO_REPRESENTATIVES.items():
        partner = Partner.objects.get(slug=slug)
        if Contribution.objects.filter(partner=partner).exists():
            continue
        rep, rng = users[username], random.Random(f"{SEED}-{slug}-review")
        items = planned_contributions(slug, first=agreement.starts_on, last=last)
        for period in periods:
            in_period = [i for i in items if period.starts_on <= i.day <= period.ends_on]
            past = period.ends_on < today
            cutoff = period.ends_on if past else today - timedelta(days=14)
            batch = [_demo_log(i, partner, rep, lines) for i in in_period if i.day <= cutoff]
            created += len(batch)
            if batch:
                period_submit(partner=partner, period=period, acting_user=rep)
            if batch and past:  # as if submitted shortly after the quarter, not today
                submitted_at = timezone.make_aware(
                    datetime.combine(min(today, period.ends_on + timedelta(days=rng.randint(1, 12))), time(16))
                )
                contributions_bulk_update(
                    contributions=Contribution.objects.filter(pk__in=[c.pk for c in batch]), submitted_at=submitted_at
                )
            if batch and past and period.deadline < today:
                for item in batch:
                    if rng.random() < 0.04:
                        contribution_return(
                            contribution=item, acting_user=users["bureau"], comment=rng.choice(RETURN_COMMENTS)
                        )
                    else:
                        contribution_approve(contribution=item, acting_user=users["directeur"])
                reviewed_at = min(timezone.now(), submitted_at + timedelta(days=rng.randint(3, 10)))
                contributions_bulk_update(
                    contributions=Contribution.objects.filter(pk__in=[c.pk for c in batch]), reviewed_at=reviewed_at
                )
            drafts = [_demo_log(i, partner, rep, lines) for i in in_period if i.day > cutoff]
            created += len(drafts)
    return created
