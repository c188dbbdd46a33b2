"""The report, the dashboard, plan against realisation and the director's overview read their sums from the
contribution summary: they give exactly the figures that summing the contribution table gives, for a period
of whole months and for one that starts and ends inside a month, and their pages cost the same number of
queries however many contributions there are."""

import io
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation

from actionlines import services as plan_services
from actionlines.models import ActionLine, Activity, AnnualPlan
from actionlines.selectors import director_overview, plan_realisation
from contributions import services
from contributions.figures import Figures, recount
from contributions.models import Contribution, Kind, ReportingPeriod, Status
from partners.demo import seed_demo_users
from partners.models import Agreement, Partner
from partners.selectors import agreement_status
from reports import selectors
from reports.selectors import Period, parse_period, report_data
from reports.services import report_create
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
REVIEWED = (Status.APPROVED, Status.SUBMITTED)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def demo(programme, settings) -> AnnualPlan:
    """The demo: rate card, users, contributions, and the adopted 2026 plan (which links them to activities)."""
    from actionlines.demo import seed_demo_plan
    from contributions.demo import seed_demo_contributions, seed_demo_rate_card

    seed_demo_users()
    seed_demo_rate_card()
    seed_demo_contributions()
    return seed_demo_plan()


def add_contributions(n: int, *, seed: int) -> None:
    """`n` more contributions in 2026 for the parties, over every line, kind and status; about 60% linked to an
    activity of the adopted plan on their line. Then some move to another month, some lose or change their
    activity, some approved ones are reopened and some submitted ones returned (through the services)."""
    rng = random.Random(seed)
    partners = list(Partner.objects.filter(party_links__isnull=False).distinct())
    lines = list(ActionLine.objects.all())
    activities = defaultdict(list)
    for activity in Activity.objects.filter(plan__status="adopted", plan__year=2026):
        activities[activity.action_line_id].append(activity)
    author = Contribution.objects.values_list("created_by", flat=True).first()
    statuses = [Status.APPROVED] * 5 + [Status.SUBMITTED] * 2 + [Status.DRAFT, Status.RETURNED]
    rows = []
    for _ in range(n):
        day = date(2026, 1, 1) + timedelta(days=rng.randrange((TODAY - date(2026, 1, 1)).days))
        kind, line, status = rng.choice(list(Kind)), rng.choice(lines), rng.choice(statuses)
        hours = Decimal(rng.randrange(1, 40)) if kind == Kind.STAFF_HOURS else None
        amount = None if hours else Decimal(rng.randrange(100, 9000))
        submitted_at = None
        if status != Status.DRAFT:
            sent = min(day + timedelta(days=rng.randrange(1, 40)), TODAY - timedelta(days=1))
            submitted_at = timezone.make_aware(datetime.combine(sent, time(rng.randrange(8, 18), rng.randrange(60))))
        rows.append(
            Contribution(
                partner=rng.choice(partners),
                action_line=line,
                period=services.period_for_date(day),
                activity=rng.choice(activities[line.pk]) if activities[line.pk] and rng.random() < 0.6 else None,
                kind=kind,
                date=day,
                description="Extra",
                hours=hours,
                hourly_rate=Decimal("60.00") if hours else None,
                amount=amount,
                value=hours * 60 if hours else amount,
                status=status,
                submitted_at=submitted_at,
                created_by_id=author,
            )
        )
    created = services.contributions_load(contributions=rows)
    director = get_user_model().objects.get(username="directeur")
    for item in rng.sample(created, n // 5):  # to another month of the same year (a bulk update)
        services.contributions_bulk_update(
            contributions=Contribution.objects.filter(pk=item.pk),
            date=item.date.replace(month=rng.randint(1, 11), day=min(item.date.day, 28)),
        )
    for item in rng.sample(created, n // 10):
        line_activities = activities[item.action_line_id]
        services.contributions_bulk_update(
            contributions=Contribution.objects.filter(pk=item.pk), activity=rng.choice([None, *line_activities])
        )
    mine = Contribution.objects.filter(pk__in=[c.pk for c in created]).order_by("pk")
    for item in rng.sample(list(mine.filter(status=Status.APPROVED)), n // 20):
        services.contribution_reopen(contribution=item, acting_user=director, reason="Bedrag klopt niet")
    for item in rng.sample(list(mine.filter(status=Status.SUBMITTED)), n // 20):
        services.contribution_return(contribution=item, acting_user=director, comment="Graag toelichten")


# --- What the contribution table says --------------------------------------------------------------------------


def _expected_report(period: Period) -> dict:
    """The report's figures as summing the contribution table gives them, through the report's own layout."""
    qs = Contribution.objects.filter(date__gte=period.starts_on, date__lte=period.ends_on)
    totals = recount(queryset=qs, by=("partner", "action_line", "status"), statuses=REVIEWED)
    approved = {k[:2]: f for k, f in totals.rows.items() if k[2] == Status.APPROVED}
    in_review = {k[:2]: f for k, f in totals.rows.items() if k[2] == Status.SUBMITTED}
    by_month = recount(queryset=qs, by=("partner", "action_line", "month"), statuses=(Status.APPROVED,)).rows
    monthly = {key: (f.in_kind_value, f.funded) for key, f in by_month.items()}
    lines = list(ActionLine.objects.all())
    partners = selectors._partners(period, agreement_status(on=TODAY), {k[0] for k in totals.rows})
    total = Figures.sum(approved.values())
    return {
        "totals": selectors.ReportTotals(approved=total, in_review=Figures.sum(in_review.values())),
        "lines": [selectors._line_row(line, partners, approved, in_review) for line in lines],
        "partners": [selectors._partner_row(p, lines, approved, in_review) for p in partners],
        "helices": selectors._helices(partners, approved),
        "kinds": selectors._kinds(total),
        "months": selectors._cumulative(period, _per_month(qs)),
        "appendix": selectors._appendix(period, partners, lines, monthly),
    }


def _per_month(qs) -> dict:
    per_month = recount(queryset=qs, by=("month",), statuses=(Status.APPROVED,))
    return {month: (f.in_kind_value, f.funded) for (month,), f in per_month.rows.items()}


def assert_report_exact(period: Period) -> dict:
    data = report_data(period=period, today=TODAY)
    expected = _expected_report(period)
    for key, value in expected.items():
        assert getattr(data, key) == value, key
    assert data.totals.approved.total_value > 0
    return data


def assert_realisation_exact(plan: AnnualPlan) -> None:
    result = plan_realisation(plan, on=TODAY)
    qs = Contribution.objects.filter(date__year=plan.year)
    rows = recount(queryset=qs, by=("action_line", "activity", "partner", "status"), statuses=REVIEWED)
    key_of = dict(Activity.objects.filter(plan__year=plan.year).values_list("pk", "key"))
    expected: dict[tuple, Figures] = defaultdict(Figures)
    for (line_id, activity_id, partner_id, status), figures in rows.rows.items():
        for key in [("line", line_id), ("partner", partner_id), ("all", None)]:
            expected[(*key, status)].add(figures)
        if activity_id in key_of:
            expected[("key", key_of[activity_id], status)].add(figures)
    # A line with activities counts what they count (its row is their sum); the rest of the line is `unlinked`.
    own = defaultdict(list)
    for r in result.activities:
        own[r.subject.action_line_id].append(r.subject.key)
    for r in result.lines:
        whole = expected.get(("line", r.subject.pk, Status.APPROVED), Figures())
        if own[r.subject.pk]:
            for status in REVIEWED:
                expected[("line", r.subject.pk, status)] = Figures.sum(
                    expected.get(("key", key, status), Figures()) for key in own[r.subject.pk]
                )
            assert Figures.sum([r.approved, r.unlinked]) == whole, r.subject
    checked = [("line", r.subject.pk, r) for r in result.lines]
    checked += [("key", r.subject.key, r) for r in result.activities]
    checked += [("partner", r.subject.pk, r) for r in result.partners]
    checked += [("all", None, result.total)]
    for kind, key, row in checked:
        assert row.approved == expected.get((kind, key, Status.APPROVED), Figures()), (kind, key)
        assert row.submitted == expected.get((kind, key, Status.SUBMITTED), Figures()), (kind, key)
    assert any(r.approved.count for r in result.activities)


def assert_overview_exact() -> None:
    overview = director_overview(on=TODAY)
    submitted = Contribution.objects.filter(status=Status.SUBMITTED)
    waiting = recount(queryset=submitted, by=("partner",))
    oldest = dict(submitted.values("partner").annotate(first=Min("submitted_at")).values_list("partner", "first"))
    assert {(w.partner.pk, w.count, w.value, w.oldest) for w in overview.waiting} == {
        (pid, f.count, f.total_value, oldest.get(pid)) for (pid,), f in waiting.rows.items()
    }
    assert (overview.waiting_count, overview.waiting_value) == (waiting.total.count, waiting.total.total_value)
    running = ReportingPeriod.objects.containing(TODAY).order_by("-starts_on").first()
    spoke = set(
        Contribution.objects.filter(period=running, submitted_at__isnull=False).values_list("partner", flat=True)
    )
    parties = {link.partner for link in overview.status.agreement.party_links.all() if not link.left_on}
    assert set(overview.silent_partners) == {p for p in parties if p.pk not in spoke}


# --- The tests -----------------------------------------------------------------------------------------------


def test_the_pages_give_the_figures_of_the_contribution_table(demo):
    add_contributions(400, seed=1)
    assert Contribution.objects.filter(activity__isnull=False).exists()
    for key in ("2026", "2026-K1", "2026-K4", "agreement"):
        assert_report_exact(parse_period(key, today=TODAY))
    assert_realisation_exact(demo)
    assert_overview_exact()


def test_a_period_that_starts_and_ends_inside_a_month_gives_exact_figures(demo, django_assert_max_num_queries):
    add_contributions(300, seed=2)
    agreement = Agreement.objects.get()
    period = Period("agreement-x", "agreement", date(2026, 2, 14), date(2026, 10, 20), agreement)
    data = assert_report_exact(period)
    assert [m.month for m in data.months][:2] == [date(2026, 2, 1), date(2026, 3, 1)]
    # Fewer contributions in 14–28 February count than in all of February.
    whole = report_data(period=Period("x", "agreement", date(2026, 2, 1), date(2026, 10, 31), agreement))
    assert data.months[0].total_value < whole.months[0].total_value
    single = Period("agreement-y", "agreement", date(2026, 5, 3), date(2026, 5, 19), agreement)
    assert_report_exact(single)


def test_a_second_plan_version_counts_the_relinked_contributions(demo, director):
    add_contributions(200, seed=3)
    version2 = plan_services.plan_new_version(plan=demo, acting_user=director)
    plan_services.plan_send_for_review(plan=version2, acting_user=director)
    version2 = plan_services.plan_adopt(plan=version2, acting_user=director, decision=DecisionFactory(plan=version2))
    assert_realisation_exact(version2)
    assert_report_exact(parse_period("2026", today=TODAY))


def _pages(director) -> dict[str, tuple[str, str]]:
    """The pages `make bench` measures, as (persona, address); the deep list page starts halfway down."""
    plan = AnnualPlan.objects.adopted().for_year(2026).get()
    report = report_create(period_key="2026", language="nl", acting_user=director)
    own = Contribution.objects.filter(partner__slug="nxp").order_by("-date", "-id")
    deep = own[own.count() // 2]
    listed = reverse("contributions:list")
    return {
        "contribution list, first page": ("nxp", listed),
        "contribution list, deep page": ("nxp", f"{listed}?after={deep.date.isoformat()}~{deep.pk}"),
        "review queue": ("directeur", reverse("contributions:queue")),
        "dashboard": ("directeur", reverse("reports:dashboard")),
        "report preview": ("directeur", reverse("reports:detail", args=[report.pk])),
        "plan against realisation": ("directeur", reverse("actionlines:plan_realisation", args=[plan.pk])),
        "director's overview": ("directeur", reverse("actionlines:overview")),
    }


# The most queries each page may run (`make bench` reports them too): the goal is 15 for every page.
MOST_QUERIES = {
    "contribution list, first page": 15,
    "contribution list, deep page": 15,
    "review queue": 15,
    "dashboard": 16,
    "report preview": 19,
    "plan against realisation": 15,
    "director's overview": 15,
}


def test_the_pages_run_the_same_queries_for_few_and_many_contributions(demo, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import LifeportClient

    pages = _pages(director)
    clients = {}
    for persona in {persona for persona, _url in pages.values()}:
        clients[persona] = LifeportClient()
        clients[persona].force_login(get_user_model().objects.get(username=persona))

    def counts() -> dict[str, int]:
        result = {}
        for name, (persona, url) in pages.items():
            with CaptureQueriesContext(connection) as queries:
                response = clients[persona].get(url)
            assert response.status_code == 200, name
            result[name] = len(queries)
        return result

    few = counts()
    add_contributions(1500, seed=4)
    many = counts()
    assert many == few
    assert {name: count for name, count in many.items() if count > MOST_QUERIES[name]} == {}


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def test_the_report_xlsx_tables_give_the_figures_of_the_contribution_table(demo, director):
    from openpyxl import load_workbook

    from reports.permissions import ExportAudience
    from reports.xlsx import write_report_xlsx

    add_contributions(300, seed=5)
    report = report_create(period_key="2026", language="nl", acting_user=director)
    content, _rows = write_report_xlsx(
        report=report, audience=ExportAudience.everything(), progress=lambda done, total: None
    )
    book = load_workbook(io.BytesIO(content))
    qs = Contribution.objects.filter(date__year=2026)

    per_line = recount(queryset=qs, by=("action_line", "status"), statuses=REVIEWED)
    lines = {line.name_nl: line.pk for line in ActionLine.objects.all()}
    for name, hours, in_kind, funded, total, review in book["Per actielijn"].iter_rows(min_row=2, values_only=True):
        approved, submitted = per_line.get(lines[name], Status.APPROVED), per_line.get(lines[name], Status.SUBMITTED)
        got = tuple(_money(v) for v in (hours, in_kind, funded, total, review))
        assert got == (
            approved.hours,
            approved.in_kind_value,
            approved.funded,
            approved.total_value,
            submitted.total_value,
        ), name

    per_partner = recount(queryset=qs, by=("partner", "status"), statuses=REVIEWED)
    partners = {p.name: p.pk for p in Partner.objects.all()}
    for name, _helix, hours, *values, review in book["Per partner"].iter_rows(min_row=2, values_only=True):
        approved = per_partner.get(partners[name], Status.APPROVED)
        assert _money(hours) == approved.hours, name
        assert [_money(v) for v in values] == [approved.in_kind_value, approved.funded, approved.total_value], name
        assert _money(review) == per_partner.get(partners[name], Status.SUBMITTED).total_value, name

    per_month = recount(queryset=qs, by=("partner", "action_line", "month"), statuses=(Status.APPROVED,))
    order = list(ActionLine.objects.values_list("pk", flat=True))
    for name, month, *values, total in book["Per maand"].iter_rows(min_row=2, values_only=True):
        first = date.fromisoformat(f"{month}-01")
        expected = [per_month.get(partners[name], line, first).total_value for line in order]
        assert [_money(v) for v in values] == expected and _money(total) == sum(expected, Decimal(0)), (name, month)


def test_the_contribution_list_and_its_xlsx_show_the_same_totals_as_the_contribution_table(demo, director):
    from openpyxl import load_workbook

    from contributions.permissions import contributions_visible_to
    from tests.conftest import LifeportClient

    add_contributions(300, seed=6)
    for username, query in (("nxp", ""), ("nxp", "?kind=money"), ("directeur", "?status=submitted&kind=staff_hours")):
        user = get_user_model().objects.get(username=username)
        client = LifeportClient()
        client.force_login(user)
        page = client.get(reverse("contributions:list") + query)
        download = client.get(reverse("contributions:export") + query)
        filters = dict(p.split("=") for p in query.lstrip("?").split("&") if p)
        expected = recount(queryset=contributions_visible_to(user).filter(**filters), by=("status",))
        shown = {status.value: figures for status, figures in page.context["status_rows"] if figures}
        assert shown == {key[0]: figures for key, figures in expected.rows.items()}, query
        sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Totalen"]
        rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
        with translation.override("nl"):
            labels = {status.value: str(status.label) for status in Status}
        for status, figures in expected.rows.items():
            count, hours, in_kind, funded, total = rows[labels[status[0]]]
            assert count == figures.count and _money(total) == figures.total_value, (query, status)
            assert (_money(hours), _money(in_kind), _money(funded)) == (
                figures.hours,
                figures.in_kind_value,
                figures.funded,
            )
        assert _money(rows["Totaal"][4]) == expected.total.total_value


def test_the_dashboard_the_preview_and_the_pdf_show_the_same_figures(demo):
    """Three read models, each reading what its page shows: what they share is the same."""
    from dataclasses import fields

    from reports.selectors import PlanFigures, ProgrammeFigures, programme_figures, report_chapters

    add_contributions(200, seed=7)
    period = parse_period("2026", today=TODAY)
    whole = report_data(period=period, today=TODAY)
    chapters = report_chapters(period=period, today=TODAY)
    dashboard = programme_figures(period=period, today=TODAY)
    assert whole.plan is not None and whole.plan.lines
    assert {f.name: getattr(whole, f.name) for f in fields(chapters)} == vars(chapters)
    shared = [f.name for f in fields(ProgrammeFigures) if f.name != "plan"]
    assert {name: getattr(whole, name) for name in shared} == {name: getattr(dashboard, name) for name in shared}
    assert {f.name: getattr(whole.plan, f.name) for f in fields(PlanFigures)} == vars(dashboard.plan)
