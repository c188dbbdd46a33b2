"""Plan against realisation, the agreement boundary, version comparison and the director's overview."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from actionlines import services
from actionlines.models import ActionLine, AnnualPlan, MilestoneStatus
from actionlines.selectors import (
    Change,
    Forecast,
    Progress,
    director_overview,
    percentage,
    plan_boundary,
    plan_compare,
    plan_realisation,
)
from contributions.models import Contribution, Kind, ReportingPeriod, Status
from contributions.services import contributions_bulk_update
from partners.models import Agreement
from tests.factories import DecisionFactory, stored_contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(programme) -> dict[str, ActionLine]:
    return {line.code: line for line in ActionLine.objects.all()}


def _contribution(partner, line, *, status, value, hours=None, kind=None, day=date(2026, 3, 10), activity=None, by):
    kind = kind or (Kind.STAFF_HOURS if hours else Kind.FACILITIES)
    return stored_contribution(
        partner=partner,
        action_line=line,
        period=ReportingPeriod.objects.containing(day).get(),
        kind=kind,
        date=day,
        description="Bijdrage",
        hours=hours,
        hourly_rate=Decimal(value) / Decimal(hours) if hours else None,
        amount=None if hours else Decimal(value),
        value=Decimal(value),
        status=status,
        created_by=by,
        submitted_at=timezone.now() if status != Status.DRAFT else None,
        activity=activity,
    )


@pytest.fixture
def plan(director, lines, programme) -> AnnualPlan:
    """Adopted 2026 plan: NXP pledges 100 hours, € 10.000 in kind and € 5.000 money to one Marktstrategie activity."""
    plan = services.plan_start(year=2026, acting_user=director)
    activity = services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=lines["marktstrategie"],
        title="Marktprofiel",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    services.pledge_set(
        activity=activity,
        partner=programme["nxp"],
        acting_user=director,
        hours=Decimal("100"),
        in_kind_value=Decimal("10000"),
        money=Decimal("5000"),
    )
    services.plan_send_for_review(plan=plan, acting_user=director)
    return services.plan_adopt(plan=plan, acting_user=director, decision=DecisionFactory(plan=plan))


def _row(rows, name):
    return next(r for r in rows if str(getattr(r.subject, "name", None) or r.subject.title) == name)


# --- Plan against realisation ------------------------------------------------------------------------------


def test_realisation_sets_approved_and_separately_submitted_against_the_pledges(plan, programme, lines, nxp_rep):
    nxp, line = programme["nxp"], lines["marktstrategie"]
    activity = plan.activities.get()
    _contribution(nxp, line, status=Status.APPROVED, value=3000, hours=40, activity=activity, by=nxp_rep)
    _contribution(nxp, line, status=Status.APPROVED, value=2000, kind=Kind.MONEY, by=nxp_rep)  # not linked
    _contribution(nxp, line, status=Status.SUBMITTED, value=1000, by=nxp_rep)
    _contribution(nxp, line, status=Status.DRAFT, value=9999, by=nxp_rep)  # drafts never count
    other_year = _contribution(nxp, line, status=Status.APPROVED, value=7777, day=date(2026, 1, 1), by=nxp_rep)
    contributions_bulk_update(  # another year does not count
        contributions=Contribution.objects.filter(pk=other_year.pk), date=date(2025, 12, 31)
    )

    result = plan_realisation(plan, on=date(2026, 6, 30))

    by_line = _row(result.lines, "Marktstrategie")
    # A line counts what its activities count; what was approved without an activity is shown beside it.
    assert (by_line.pledged.total_value, by_line.approved.total_value, by_line.submitted.total_value) == (
        Decimal("15000"),
        Decimal("3000"),
        Decimal("0"),
    )
    assert by_line.unlinked.total_value == Decimal("2000") and by_line.unlinked.funded == Decimal("2000")
    assert (by_line.pct_total, by_line.pct_hours) == (20, 40)

    by_activity = result.activities[0]
    assert by_activity.approved.total_value == Decimal("3000")  # only the contribution linked to it
    assert by_activity.pct_total == 20

    by_partner = _row(result.partners, "NXP")
    assert by_partner.approved.total_value == Decimal("5000") and by_partner.submitted.total_value == Decimal("1000")
    assert result.total.approved.total_value == Decimal("5000")


def test_percentages_with_nothing_pledged_are_not_applicable_never_a_division_by_zero(plan, programme, lines, nxp_rep):
    _contribution(programme["asmpt"], lines["talent"], status=Status.APPROVED, value=500, by=nxp_rep)
    result = plan_realisation(plan, on=date(2026, 6, 30))

    talent = _row(result.lines, "Talent")  # ASMPT contributed, nobody pledged
    assert talent.pledged.total_value == 0
    assert (talent.pct_total, talent.pct_hours, talent.pct_money, talent.pct_submitted) == (None, None, None, None)
    assert talent.progress == Progress.WITHOUT_PLEDGE
    with translation.override("en"):
        assert talent.progress_label == "Contributed without a pledge"
    ruimte = _row(result.lines, "Ruimte")
    assert ruimte.pct_total is None and ruimte.progress == Progress.NO_PLEDGE
    asmpt = _row(result.partners, "ASMPT")
    assert asmpt.pct_total is None and asmpt.forecast == Forecast.NO_PLEDGE
    assert percentage(Decimal("5"), Decimal("0")) is None


@pytest.mark.parametrize(
    ("on", "approved", "progress"),
    [
        (date(2026, 2, 1), 3000, Progress.ON_TRACK),  # a twelfth of the year passed, a fifth approved
        (date(2026, 6, 30), 3000, Progress.BEHIND),  # half the year passed, a fifth approved
        (date(2026, 6, 30), 15000, Progress.MET),
    ],
)
def test_the_status_in_words_follows_the_share_of_the_year_passed(
    plan, programme, lines, nxp_rep, on, approved, progress
):
    activity = plan.activities.get()
    _contribution(
        programme["nxp"], lines["marktstrategie"], status=Status.APPROVED, value=approved, activity=activity, by=nxp_rep
    )
    row = _row(plan_realisation(plan, on=on).lines, "Marktstrategie")
    assert row.progress == progress


@pytest.mark.parametrize("on", [date(2026, 2, 1), date(2026, 6, 30), date(2026, 12, 31)])
@pytest.mark.parametrize("approved", [1000, 3000, 9000, 15000])
def test_a_line_and_its_only_activity_agree_on_track_status(plan, programme, lines, nxp_rep, on, approved):
    activity = plan.activities.get()
    _contribution(
        programme["nxp"], lines["marktstrategie"], status=Status.APPROVED, value=approved, activity=activity, by=nxp_rep
    )
    _contribution(programme["nxp"], lines["marktstrategie"], status=Status.APPROVED, value=20000, by=nxp_rep)
    result = plan_realisation(plan, on=on)
    line, (only,) = _row(result.lines, "Marktstrategie"), result.activities
    assert (line.progress, line.pct_total) == (only.progress, only.pct_total)
    assert line.unlinked.total_value == Decimal("20000")  # shown beside the line, not counted for its pledge


@pytest.mark.parametrize(
    ("on", "forecast"),
    [
        (date(2026, 6, 30), Forecast.WILL_MEET),  # € 7.500 in 181 days → about € 15.125 by 31 December
        (date(2026, 9, 30), Forecast.WILL_NOT_MEET),  # the same in 273 days → about € 10.027
        (date(2025, 12, 1), Forecast.NOT_STARTED),
    ],
)
def test_the_forecast_extends_the_pace_so_far_to_the_end_of_the_agreement(
    plan, programme, lines, nxp_rep, on, forecast
):
    _contribution(programme["nxp"], lines["marktstrategie"], status=Status.APPROVED, value=7500, by=nxp_rep)
    nxp = _row(plan_realisation(plan, on=on).partners, "NXP")
    assert nxp.forecast == forecast
    if forecast != Forecast.NOT_STARTED:
        assert nxp.projected_value == (Decimal("7500") * 365 / Decimal((on - date(2026, 1, 1)).days + 1)).quantize(
            Decimal("0.01")
        )


def test_a_partner_that_met_its_pledges_is_met(plan, programme, lines, nxp_rep):
    _contribution(programme["nxp"], lines["marktstrategie"], status=Status.APPROVED, value=15000, by=nxp_rep)
    assert _row(plan_realisation(plan, on=date(2026, 3, 31)).partners, "NXP").forecast == Forecast.MET


def test_every_party_to_the_agreement_has_a_row_even_without_pledges(plan):
    names = {row.subject.name for row in plan_realisation(plan, on=date(2026, 6, 30)).partners}
    assert {"Gemeente Nijmegen", "ROC Nijmegen", "NXP", "The Economic Board"} <= names


def test_contributions_linked_to_an_earlier_version_count_for_the_same_activity(
    plan, director, programme, lines, nxp_rep
):
    old = plan.activities.get()
    _contribution(
        programme["nxp"], lines["marktstrategie"], status=Status.APPROVED, value=3000, activity=old, by=nxp_rep
    )
    version2 = services.plan_new_version(plan=plan, acting_user=director)
    assert plan_realisation(version2, on=date(2026, 6, 30)).activities[0].approved.total_value == Decimal("3000")


def test_realisation_runs_a_fixed_number_of_queries(
    plan, director, programme, lines, nxp_rep, django_assert_max_num_queries
):
    version2 = services.plan_new_version(plan=plan, acting_user=director)
    for n in range(15):
        activity = services.activity_create(
            plan=version2,
            acting_user=director,
            action_line=lines["talent"],
            title=f"Activiteit {n}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        for slug in ("nxp", "asmpt", "radboud-universiteit"):
            services.pledge_set(activity=activity, partner=programme[slug], acting_user=director, hours=Decimal("5"))
    for n in range(30):
        _contribution(programme["nxp"], lines["talent"], status=Status.APPROVED, value=100 + n, by=nxp_rep)
    with django_assert_max_num_queries(10):
        result = plan_realisation(version2, on=date(2026, 6, 30))
    assert len(result.activities) == 16


def test_overdue_milestones_are_listed(plan, director):
    plan = services.plan_new_version(plan=plan, acting_user=director)
    activity = plan.activities.get()
    late = services.milestone_create(activity=activity, acting_user=director, title="Te laat", due_on=date(2026, 5, 1))
    services.milestone_create(
        activity=activity, acting_user=director, title="Klaar", due_on=date(2026, 4, 1), status=MilestoneStatus.DONE
    )
    services.milestone_create(activity=activity, acting_user=director, title="Later", due_on=date(2026, 9, 1))
    result = plan_realisation(plan, on=date(2026, 6, 30))
    assert result.overdue_milestones == [late]
    assert late.shown_status(date(2026, 6, 30)) == MilestoneStatus.LATE
    assert late.shown_status(date(2026, 4, 30)) == MilestoneStatus.PLANNED


# --- The agreement boundary --------------------------------------------------------------------------------


@pytest.fixture
def boundary_plan(director, lines) -> AnnualPlan:
    plan = services.plan_start(year=2026, acting_user=director)
    within = services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=lines["talent"],
        title="Binnen",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    services.milestone_create(activity=within, acting_user=director, title="Op tijd", due_on=date(2026, 12, 31))
    beyond = services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=lines["talent"],
        title="Over de grens",
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 1, 1),
    )
    services.milestone_create(activity=within, acting_user=director, title="Na de grens", due_on=date(2027, 1, 15))
    plan.beyond = beyond
    return plan


@pytest.mark.parametrize(
    "moment", ["2026-11-28 10:00:00+01:00", "2026-12-31 23:59:00+01:00", "2027-01-01 00:01:00+01:00"]
)
def test_items_past_31_december_2026_are_flagged_while_no_successor_exists(boundary_plan, moment):
    with time_machine.travel(moment, tick=False):
        boundary = plan_boundary(boundary_plan)
    assert boundary.limit == date(2026, 12, 31)
    assert boundary.activity_ids == {boundary_plan.beyond.pk}
    assert [
        m.title for m in boundary_plan.activities.get(title="Binnen").milestones.filter(pk__in=boundary.milestone_ids)
    ] == ["Na de grens"]
    assert not boundary.plan_beyond and boundary.has_warnings


def test_a_2027_plan_is_beyond_the_agreement_until_a_successor_is_recorded(boundary_plan, director):
    next_year = services.plan_start_next_year(plan=boundary_plan, acting_user=director)
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        assert plan_boundary(next_year).plan_beyond
        assert plan_boundary(boundary_plan).has_warnings

        Agreement.objects.create(
            title="Samenwerkingsovereenkomst 2027", starts_on=date(2027, 1, 1), ends_on=date(2030, 12, 31)
        )

        assert not plan_boundary(next_year).plan_beyond
        assert not plan_boundary(next_year).has_warnings
        assert not plan_boundary(boundary_plan).has_warnings
    with time_machine.travel("2027-01-02 10:00:00+01:00", tick=False):
        assert not plan_boundary(next_year).has_warnings  # the successor is now the current agreement


# --- Comparing versions -------------------------------------------------------------------------------------


def test_two_versions_side_by_side_show_what_was_added_removed_and_changed(plan, director, programme, lines):
    version2 = services.plan_new_version(plan=plan, acting_user=director)
    kept = version2.activities.get()
    services.activity_update(activity=kept, acting_user=director, title="Marktprofiel en beurs", budget=Decimal("500"))
    services.pledge_set(activity=kept, partner=programme["asmpt"], acting_user=director, hours=Decimal("20"))
    services.activity_create(
        plan=version2,
        acting_user=director,
        action_line=lines["ruimte"],
        title="Nieuwe locatie",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 8, 1),
    )
    with translation.override("en"):
        comparison = plan_compare(plan, version2)

    by_title = {item.title: item for item in comparison.activities}
    assert by_title["Marktprofiel en beurs"].change == Change.CHANGED
    assert by_title["Marktprofiel en beurs"].changed_fields == ["title", "budget", "pledges"]
    assert by_title["Marktprofiel en beurs"].left.title == "Marktprofiel"
    assert by_title["Nieuwe locatie"].change == Change.ADDED and by_title["Nieuwe locatie"].left is None
    assert comparison.changed_count == 2

    services.activity_delete(activity=version2.activities.get(title="Nieuwe locatie"), acting_user=director)
    services.activity_delete(activity=kept, acting_user=director)
    removed = plan_compare(plan, version2).activities
    assert [(i.title, i.change, i.right) for i in removed] == [("Marktprofiel", Change.REMOVED, None)]


def test_a_version_compared_with_itself_has_no_differences(plan):
    comparison = plan_compare(plan, plan)
    assert comparison.changed_count == 0 and [i.change for i in comparison.activities] == [Change.SAME]


# --- The director's overview ---------------------------------------------------------------------------------


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_the_overview_shows_what_needs_the_director_now(plan, director, programme, lines, nxp_rep):
    version2 = services.plan_new_version(plan=plan, acting_user=director)
    activity = version2.activities.get()
    for title, due in [
        ("Te laat", date(2026, 11, 1)),
        ("Binnenkort", date(2026, 12, 20)),
        ("Ver weg", date(2027, 2, 1)),
    ]:
        services.milestone_create(activity=activity, acting_user=director, title=title, due_on=due)
    services.plan_adopt(
        plan=services.plan_send_for_review(plan=version2, acting_user=director),
        acting_user=director,
        decision=DecisionFactory(plan=version2),
    )
    day = date(2026, 11, 20)
    _contribution(programme["nxp"], lines["marktstrategie"], status=Status.SUBMITTED, value=1200, day=day, by=nxp_rep)
    _contribution(programme["nxp"], lines["marktstrategie"], status=Status.SUBMITTED, value=300, day=day, by=nxp_rep)
    _contribution(programme["asmpt"], lines["marktstrategie"], status=Status.APPROVED, value=50, day=day, by=nxp_rep)
    _contribution(programme["roc-nijmegen"], lines["talent"], status=Status.DRAFT, value=10, day=day, by=nxp_rep)

    overview = director_overview()

    assert overview.status.days_left == 33 and overview.status.countdown_text == "nog 33 dagen"
    assert [(w.partner.name, w.count, w.value) for w in overview.waiting] == [("NXP", 2, Decimal("1500"))]
    assert overview.waiting_count == 2
    assert [m.title for m in overview.late_milestones] == ["Te laat"]
    assert [m.title for m in overview.due_milestones] == ["Binnenkort"]
    assert overview.running_period.name == "2026-K4"
    silent = {p.name for p in overview.silent_partners}
    assert "NXP" not in silent and "ASMPT" not in silent
    assert {"ROC Nijmegen", "Gemeente Nijmegen", "Radboud Universiteit"} <= silent  # a draft is no submission
    assert "Lifeport Semicon Industries" not in silent  # not a party to the agreement
    assert overview.plan == version2


def test_the_overview_runs_a_fixed_number_of_queries(plan, django_assert_max_num_queries):
    with time_machine.travel(datetime(2026, 11, 28, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        with django_assert_max_num_queries(12):
            director_overview()
