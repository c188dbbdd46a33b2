"""Demo content for the governance pages (demo only, `seed_lifeport --demo`): two regiegroep meetings (one
confirmed, with the decision adopting the demo plan; one ahead, with a comment), risks with measures, the
programme budget 2026 with commitments and spending, and quarterly targets for the demo plan's indicators.
Idempotent: a second run adds nothing."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from actionlines.models import ActionLine, AnnualPlan, IndicatorTarget
from contributions.models import ReportingPeriod
from governance import services
from governance.models import CostCategory, Meeting, SpendingKind
from partners.models import Partner
from partners.services import PARTIES

D = Decimal
# (category, funder slug, budget code, budget)
DEMO_BUDGET = [
    (CostCategory.DIRECTOR, "gemeente-nijmegen", "E600014-001", D(120000)),
    (CostCategory.TALENT_CAPACITY, "provincie-gelderland", "PG-EZ-2026-017", D(80000)),
    (CostCategory.LSI_NETWORK, "gemeente-nijmegen", "E600014-001", D(60000)),
    (CostCategory.QUARTERMASTER, "provincie-gelderland", "PG-EZ-2026-017", D(50000)),
    (CostCategory.ACTIVITIES, "gemeente-nijmegen", "E600014-001", D(300000)),
    (CostCategory.ACTIVITIES, "provincie-gelderland", "PG-EZ-2026-017", D(250000)),
]
# (kind, category, date, description, reference, amount)
DEMO_SPENDING = [
    ("commitment", CostCategory.DIRECTOR, date(2026, 1, 5), "Detachering programmadirecteur 2026", "", D(115000)),
    ("commitment", CostCategory.TALENT_CAPACITY, date(2026, 1, 5), "Inhuur capaciteit Talent 2026", "", D(78000)),
    ("commitment", CostCategory.QUARTERMASTER, date(2026, 2, 1), "Kwartiermaker (feb–dec)", "", D(48000)),
    ("actual", CostCategory.DIRECTOR, date(2026, 3, 31), "Facturen eerste kwartaal", "2026-K1", D(28750)),
    ("actual", CostCategory.DIRECTOR, date(2026, 6, 30), "Facturen tweede kwartaal", "2026-K2", D(28750)),
    ("actual", CostCategory.DIRECTOR, date(2026, 9, 30), "Facturen derde kwartaal", "2026-K3", D(28750)),
    ("actual", CostCategory.TALENT_CAPACITY, date(2026, 6, 30), "Facturen eerste halfjaar", "2026-H1", D(39000)),
    (
        "actual",
        CostCategory.QUARTERMASTER,
        date(2026, 9, 30),
        "Facturen kwartiermaker t/m september",
        "F-2026-311",
        D(35000),
    ),
    ("actual", CostCategory.LSI_NETWORK, date(2026, 5, 12), "Startbijeenkomst LSI-netwerk", "F-2026-118", D(12400)),
    ("actual", CostCategory.ACTIVITIES, date(2026, 9, 30), "Activiteiten jaarplan t/m september", "2026-K3", D(286500)),
]
# (line code or None, title, cause, effect, likelihood, impact, owner, measures)
DEMO_RISKS = [
    (
        "talent",
        "Te weinig instroom in techniekopleidingen",
        "Andere sectoren trekken jongeren; techniek is onbekend bij scholieren.",
        "Bedrijven vinden geen technici; het cluster kan niet groeien.",
        4,
        4,
        "trekker-talent",
        [("Techniekweek voor scholieren", date(2026, 10, 15)), ("Zij-instroomtraject met ROC", date(2026, 12, 1))],
    ),
    (
        None,
        "Geen opvolger voor de intentieverklaring per 2027",
        "De intentieverklaring loopt af op 31 december 2026; de bijdragen voor 2027 zijn niet vastgelegd.",
        "De programmaorganisatie valt stil en partners haken af.",
        3,
        5,
        "directeur",
        [("Concept-samenwerkingsovereenkomst 2027 naar de regiegroep", date(2026, 11, 1))],
    ),
    (
        "ruimte",
        "Geen bedrijfsterrein beschikbaar voor uitbreiding",
        "Stikstof- en netcongestie vertragen de ontwikkeling van bedrijfsterrein.",
        "Bedrijven breiden buiten de regio uit.",
        3,
        4,
        "directeur",
        [("Gebiedsstudie met provincie afronden", date(2026, 12, 15))],
    ),
    (
        "marktstrategie",
        "Marktvraag naar chips daalt tijdelijk",
        "Conjunctuur in de halfgeleidermarkt.",
        "Bedrijven stellen investeringen en inzet in natura uit.",
        2,
        3,
        "regiegroep",
        [],
    ),
    (
        "financien",
        "Subsidieaanvragen worden afgewezen",
        "Veel concurrentie in nationale regelingen.",
        "Minder geld voor activiteiten in 2027.",
        2,
        2,
        "directeur",
        [],
    ),
]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def seed_demo_governance(plan: AnnualPlan) -> bool:
    """Add the demo governance content once (returns False when it is there already). Needs the demo users
    (`seed_demo_users`) and the adopted demo plan (`seed_demo_plan`)."""
    if Meeting.objects.exists():
        return False
    director, office = _user("directeur"), _user("bureau")
    partners = list(Partner.objects.filter(slug__in=[slug for _name, _short, slug, _helix in PARTIES]))
    january = services.meeting_create(
        acting_user=director,
        held_on=date(2026, 1, 22),
        title="Regiegroep januari 2026",
        location="Stadhuis Nijmegen",
        attendees=partners,
    )
    for title in ("Vaststelling jaarplan 2026", "Begroting programmaorganisatie 2026", "Risicoregister"):
        services.agenda_item_add(meeting=january, acting_user=director, title=title)
    services.decision_record(
        meeting=january,
        acting_user=director,
        text="De regiegroep stelt het jaarplan 2026 vast.",
        kind="plan",
        subject=plan,
    )
    services.decision_record(
        meeting=january,
        acting_user=director,
        text="De begroting van de programmaorganisatie 2026 (€ 860.000) wordt vastgesteld, gedekt onder "
        "deelproject E600014-001 en door de provincie.",
        kind="budget",
    )
    services.minutes_save(
        meeting=january,
        acting_user=director,
        minutes="Aanwezig: alle zeven partners.\n\n1. Het jaarplan 2026 is vastgesteld (besluit 2026-01).\n"
        "2. De begroting 2026 is vastgesteld (besluit 2026-02).\n3. Het risicoregister wordt elk kwartaal besproken.",
    )
    services.minutes_confirm(meeting=january, acting_user=director)

    december = services.meeting_create(
        acting_user=director,
        held_on=date(2026, 12, 10),
        title="Regiegroep december 2026",
        location="Radboud Universiteit",
        attendees=partners,
    )
    for title in ("Opvolger intentieverklaring 2027", "Voortgangsrapportage 2026", "Jaarplan 2027"):
        services.agenda_item_add(meeting=december, acting_user=director, title=title)
    services.comment_add(
        meeting=december,
        acting_user=_user("regiegroep"),
        text="Graag bij de opvolger ook de bijdrage van LSI in geld bespreken.",
    )

    for code, title, cause, effect, likelihood, impact, owner, measures in DEMO_RISKS:
        risk = services.risk_create(
            acting_user=director,
            action_line=ActionLine.objects.get(code=code) if code else None,
            title=title,
            cause=cause,
            effect=effect,
            likelihood=likelihood,
            impact=impact,
            owner=_user(owner),
        )
        for description, due_on in measures:
            services.measure_add(risk=risk, acting_user=director, description=description, due_on=due_on)

    funders = {p.slug: p for p in Partner.objects.filter(slug__in=["gemeente-nijmegen", "provincie-gelderland"])}
    for category, funder, code, amount in DEMO_BUDGET:
        services.budget_line_set(
            acting_user=office, year=2026, category=category, funder=funders[funder], budget_code=code, amount=amount
        )
    for kind, category, on_date, description, reference, amount in DEMO_SPENDING:
        services.spending_add(
            acting_user=office,
            on_date=on_date,
            category=category,
            kind=SpendingKind(kind),
            description=description,
            reference=reference,
            amount=amount,
        )

    # Quarterly targets for the demo indicators: a quarter, a half and three quarters of the way, then the year.
    quarters = list(ReportingPeriod.objects.filter(starts_on__year=plan.year).order_by("starts_on"))
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(indicator=indicator, period=period, value=(indicator.target * share).quantize(D(1)))
            for indicator in plan.indicators.all()
            for period, share in zip(quarters, (D("0.25"), D("0.5"), D("0.75"), D(1)), strict=False)
        ]
    )
    return True
