"""Demo data for the annual plan: the 2026 plan with its activities, pledges, milestones and indicators.

Only `seed_lifeport --demo` (refused unless DEBUG), the benchmarks and tests call this."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionlines.models import (
    ActionLine,
    Activity,
    AnnualPlan,
    Indicator,
    IndicatorActual,
    Milestone,
    MilestoneStatus,
    MultiYearTarget,
    PlanStatus,
    Pledge,
)
from actionlines.services import (
    _save,
    periods_of_year,
)
from contributions.models import Contribution
from contributions.services import contributions_bulk_update
from partners.models import Partner
from partners.permissions import is_programme_staff

# --- Demo data ---------------------------------------------------------------------------------------------

DEMO_YEAR = 2026
# (line code, title, lead partner slug, start, end, budget, funder, pledges {slug: (hours, value, money)},
#  milestones [(title, due, status)])
DEMO_ACTIVITIES = [
    (
        "talent",
        "Semicon-leerlijn mbo en hbo",
        "roc-nijmegen",
        date(2026, 1, 15),
        date(2026, 12, 31),
        Decimal("120000"),
        "Gemeente Nijmegen",
        {
            "roc-nijmegen": (600, 45000, 0),
            "radboud-universiteit": (200, 18000, 0),
            "gemeente-nijmegen": (0, 0, 40000),
        },
        [
            ("Leerlijn vastgesteld met bedrijven", date(2026, 3, 31), "done"),
            ("Eerste cohort gestart", date(2026, 9, 1), "done"),
            ("Evaluatie eerste cohort", date(2026, 12, 15), "on_track"),
        ],
    ),
    (
        "talent",
        "Zij-instroom en omscholing techniek",
        "the-economic-board",
        date(2026, 2, 1),
        date(2027, 6, 30),
        Decimal("80000"),
        "Provincie Gelderland",
        {"the-economic-board": (300, 24000, 0), "nxp": (150, 15000, 0), "provincie-gelderland": (0, 0, 30000)},
        [
            ("Omscholingstraject ontworpen", date(2026, 6, 30), "done"),
            ("Twintig zij-instromers geplaatst", date(2026, 11, 1), "at_risk"),
            ("Tweede ronde werving", date(2027, 3, 1), "planned"),
        ],
    ),
    (
        "ruimte",
        "Locatiestudie cleanroomcapaciteit",
        "gemeente-nijmegen",
        date(2026, 3, 1),
        date(2026, 10, 31),
        Decimal("60000"),
        "Gemeente Nijmegen",
        {"gemeente-nijmegen": (250, 20000, 20000), "provincie-gelderland": (100, 9000, 0)},
        [
            ("Inventarisatie locaties", date(2026, 5, 31), "done"),
            ("Advies aan de regiegroep", date(2026, 10, 15), "on_track"),
        ],
    ),
    (
        "marktstrategie",
        "Gezamenlijk marktprofiel Lifeport",
        "nxp",
        date(2026, 1, 1),
        date(2026, 12, 31),
        Decimal("50000"),
        "",
        {"nxp": (300, 36000, 0), "asmpt": (200, 20000, 0)},
        [
            ("Marktanalyse gereed", date(2026, 4, 30), "done"),
            ("Profiel gepresenteerd op beurs", date(2026, 12, 10), "on_track"),
        ],
    ),
    (
        "innovatie",
        "Onderzoeksprogramma chipontwerp",
        "radboud-universiteit",
        date(2026, 2, 1),
        date(2026, 12, 31),
        Decimal("150000"),
        "",
        {"radboud-universiteit": (600, 50000, 0), "nxp": (200, 24000, 0), "asmpt": (100, 12000, 0)},
        [
            ("Onderzoeksagenda vastgesteld", date(2026, 4, 1), "done"),
            ("Eerste gezamenlijke publicatie", date(2026, 12, 20), "planned"),
        ],
    ),
    (
        "financien",
        "Financieringsstrategie ingroeimodel",
        "provincie-gelderland",
        date(2026, 1, 1),
        date(2026, 12, 31),
        Decimal("40000"),
        "Provincie Gelderland",
        {"provincie-gelderland": (120, 10000, 25000), "gemeente-nijmegen": (80, 7000, 0)},
        [
            ("Verkenning Europese fondsen", date(2026, 9, 30), "on_track"),
            ("Voorstel ingroeimodel bedrijven", date(2026, 12, 1), "planned"),
        ],
    ),
    (
        "public-affairs",
        "Lobby Den Haag en Brussel",
        "the-economic-board",
        date(2026, 1, 1),
        date(2026, 12, 31),
        Decimal("30000"),
        "",
        {"the-economic-board": (200, 16000, 0), "gemeente-nijmegen": (60, 5000, 0)},
        [
            ("Position paper semicon regio", date(2026, 5, 15), "done"),
            ("Werkbezoek staatssecretaris", date(2026, 11, 20), "planned"),
        ],
    ),
]
# (line code, name, unit, baseline, target, actuals per quarter)
DEMO_INDICATORS = [
    ("talent", "Studenten in semicon-leerlijn", "studenten", 0, 60, [10, 25, 48]),
    ("talent", "Zij-instromers geplaatst", "personen", 0, 20, [0, 4, 9]),
    ("ruimte", "Hectare bedrijfsterrein in studie", "hectare", 0, 25, [5, 12, 25]),
    ("marktstrategie", "Bedrijven in het marktprofiel", "bedrijven", 2, 15, [4, 8, 11]),
    ("innovatie", "Gezamenlijke onderzoeksprojecten", "projecten", 1, 5, [1, 2, 3]),
    ("financien", "Aangevraagde subsidies", "aanvragen", 0, 3, [0, 1, 1]),
    ("public-affairs", "Bestuurlijke bezoeken", "bezoeken", 0, 6, [1, 3, 4]),
]


def _demo_director():
    user = get_user_model().objects.filter(username="directeur").first()
    if user is not None and is_programme_staff(user):
        return user
    return None


@transaction.atomic
def seed_demo_plan() -> AnnualPlan:
    """An adopted 2026 plan (demo only): activities under each of the six lines, pledges from all seven
    parties, milestones (some done, some late, some due soon around 28 November 2026) and indicators with
    actuals for the first three quarters, plus the multi-year targets for 2026. Idempotent."""
    existing = AnnualPlan.objects.for_year(DEMO_YEAR).order_by("version").first()
    if existing is not None:
        plan = adopted_or(existing)
        _link_demo_contributions(plan)
        return plan
    director = _demo_director()
    lines = {line.code: line for line in ActionLine.objects.all()}
    partners = {p.slug: p for p in Partner.objects.all()}
    plan = AnnualPlan(
        year=DEMO_YEAR,
        narrative=(
            "Het jaarplan 2026 werkt de zes actielijnen van het meerjarenplan uit voor het eerste jaar van de "
            "intentieverklaring. De partners dragen in natura bij; de overheden financieren de programmaorganisatie."
        ),
        created_by=director,
    )
    _save(plan)
    for code, line in lines.items():
        target = sum(
            (Decimal(p[1]) for a in DEMO_ACTIVITIES if a[0] == code for p in a[7].values()), start=Decimal("0")
        )
        MultiYearTarget.objects.get_or_create(
            action_line=line,
            year=DEMO_YEAR,
            defaults={"goal": line.goal_nl, "in_kind_value": target},
        )
    for code, title, lead, start, end, budget, funder, pledges, milestones in DEMO_ACTIVITIES:
        activity = Activity(
            plan=plan,
            action_line=lines[code],
            title=title,
            lead_partner=partners[lead],
            starts_on=start,
            ends_on=end,
            budget=budget,
            funder=funder,
        )
        _save(activity)
        for slug, (hours, value, money) in pledges.items():
            _save(
                Pledge(
                    activity=activity,
                    partner=partners[slug],
                    hours=Decimal(hours),
                    in_kind_value=Decimal(value),
                    money=Decimal(money),
                )
            )
        for milestone_title, due, status in milestones:
            done_on = due - timedelta(days=3) if status == MilestoneStatus.DONE else None
            _save(Milestone(activity=activity, title=milestone_title, due_on=due, status=status, done_on=done_on))
    periods = list(periods_of_year(DEMO_YEAR))
    for code, name, unit, baseline, target_value, actuals in DEMO_INDICATORS:
        indicator = Indicator(
            plan=plan,
            action_line=lines[code],
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target_value),
        )
        _save(indicator)
        for period, value in zip(periods, actuals, strict=False):
            _save(IndicatorActual(indicator=indicator, period=period, value=Decimal(value), recorded_by=director))
    plan.status, plan.review_started_at = PlanStatus.IN_REVIEW, timezone.now()
    plan.adopt(by=director)
    _save(plan)
    _link_demo_contributions(plan)
    return plan


def _link_demo_contributions(plan: AnnualPlan) -> None:
    """Demo only: link the demo contributions of 2026 to the activity their partner pledged to on that line
    (as the representatives would have), so plan against realisation per activity has figures."""
    if not plan.is_adopted:
        return
    for pledge in Pledge.objects.filter(activity__plan=plan).select_related("activity").order_by("activity_id"):
        contributions_bulk_update(
            contributions=Contribution.objects.filter(
                partner_id=pledge.partner_id,
                action_line_id=pledge.activity.action_line_id,
                date__year=plan.year,
                activity__isnull=True,
            ),
            activity=pledge.activity,
        )


def adopted_or(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.adopted().for_year(plan.year).first() or plan
