"""ContributionSummary (kept by the services' explicit upsert, contributions.figures.summary_apply) always gives
the totals that summing the contributions gives: per partner, line, period, month, activity, kind and status,
after every path that changes a contribution."""

import io
import os
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionlines import services as plan_services
from actionlines.models import ActionLine, Activity, AnnualPlan
from contributions import services
from contributions.figures import KINDS, differences, month_split, recount, submitted_count, totals
from contributions.models import Contribution, ContributionSummary, HourlyRate, Kind, Status
from contributions.permissions import contributions_visible_to, visibility_condition
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

ALL = ("partner", "action_line", "period", "month", "activity", "kind", "status")
EXAMPLES = int(os.environ.get("LIFEPORT_SUMMARY_EXAMPLES") or (60 if os.environ.get("LIFEPORT_TEST_SERVICES") else 20))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def rate(programme):
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


@pytest.fixture
def plan(director, programme) -> AnnualPlan:
    """The adopted 2026 plan: one activity per action line, two on the first."""
    plan = plan_services.plan_start(year=2026, acting_user=director)
    lines = list(ActionLine.objects.all())
    for n, line in enumerate([lines[0], *lines]):
        plan_services.activity_create(
            plan=plan,
            acting_user=director,
            action_line=line,
            title=f"Activiteit {n}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
    plan_services.plan_send_for_review(plan=plan, acting_user=director)
    return plan_services.plan_adopt(plan=plan, acting_user=director, decision=DecisionFactory(plan=plan))


def assert_same(**filters) -> None:
    by = filters.pop("by", ALL)
    condition = filters.pop("condition", None)
    date_from, date_to = filters.pop("date_from", None), filters.pop("date_to", None)
    qs = Contribution.objects.all() if condition is None else Contribution.objects.filter(condition)
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    expected = recount(queryset=qs, by=by)
    got = totals(by=by, condition=condition, date_from=date_from, date_to=date_to, **filters)
    assert got.rows == expected.rows
    assert got.total == expected.total


def _activities(line) -> list[Activity]:
    return list(Activity.objects.filter(plan__status="adopted", plan__year=2026, action_line=line))


def _random_item(rng: random.Random, partner, user, lines, *, link: bool = False):
    kind = rng.choice(list(Kind))
    line = rng.choice(lines)
    activities = _activities(line) if link else []
    return services.contribution_create(
        partner=partner,
        acting_user=user,
        action_line=line,
        kind=kind,
        date=date(2026, rng.randint(1, 11), rng.randint(1, 28)),
        description="x",
        activity=rng.choice([None, *activities]) if activities else None,
        **(
            {"hours": Decimal(rng.randint(1, 400)) / 4}
            if kind == Kind.STAFF_HOURS
            else {"amount": Decimal(rng.randint(1, 10**6)) / 100}
        ),
    )


def test_every_workflow_step_keeps_the_summary_equal_to_the_sum_of_the_contributions(
    rate, plan, nxp, asmpt, nxp_rep, asmpt_rep, director
):
    rng = random.Random(7)
    lines = list(ActionLine.objects.all())
    items = [_random_item(rng, nxp, nxp_rep, lines, link=True) for _ in range(25)]
    items += [_random_item(rng, asmpt, asmpt_rep, lines, link=True) for _ in range(15)]
    assert Contribution.objects.filter(activity__isnull=False).exists()
    assert_same()

    # edits that move an item to another line (and its activity), kind, value and month
    for item in items[:8]:
        fresh = Contribution.objects.get(pk=item.pk)
        line = rng.choice(lines)
        services.contribution_update(
            contribution=fresh,
            acting_user=nxp_rep,
            expected_version=fresh.version,
            action_line=line,
            activity=_activities(line)[0],
            kind=Kind.MONEY,
            amount=Decimal("12.34"),
            date=fresh.date.replace(month=fresh.date.month % 11 + 1),
        )
    services.contribution_delete(contribution=items[8], acting_user=nxp_rep)
    assert_same()

    # submit, approve, return, reopen
    for period in {i.period for i in items[9:25]}:
        services.period_submit(partner=nxp, period=period, acting_user=nxp_rep)
    submitted = list(Contribution.objects.filter(status=Status.SUBMITTED))
    for n, item in enumerate(submitted):
        if n % 4 == 0:
            services.contribution_return(contribution=item, acting_user=director, comment="Graag toelichten")
        else:
            services.contribution_approve(contribution=item, acting_user=director)
    approved = Contribution.objects.filter(status=Status.APPROVED).first()
    services.contribution_reopen(contribution=approved, acting_user=director, reason="Bedrag klopt niet")
    assert_same()
    assert_same(by=("status",), partner=nxp.pk)
    assert_same(by=("period", "status"), kind=Kind.MONEY)
    assert_same(by=("month", "activity"), date_from=date(2026, 3, 17), date_to=date(2026, 8, 2))
    assert submitted_count() == Contribution.objects.filter(status=Status.SUBMITTED).count()

    # a new version of the plan: adopting it moves every link to the new version's activities (an UPDATE)
    version2 = plan_services.plan_new_version(plan=plan, acting_user=director)
    plan_services.activity_delete(activity=version2.activities.last(), acting_user=director)
    plan_services.plan_send_for_review(plan=version2, acting_user=director)
    plan_services.plan_adopt(plan=version2, acting_user=director, decision=DecisionFactory(plan=version2))
    assert not Contribution.objects.filter(activity__plan=plan).exists()
    assert_same()

    # the bulk paths past the workflow: a bulk load and bulk updates (value, status, month, activity)
    services.contributions_load(
        contributions=[
            Contribution(
                partner=asmpt,
                action_line=lines[0],
                period=items[0].period,
                kind=Kind.OTHER,
                date=items[0].date,
                description="bulk",
                amount=Decimal("5"),
                value=Decimal("5"),
                status=Status.APPROVED,
                created_by=asmpt_rep,
                activity=_activities(lines[0])[n % 2] if n % 3 else None,
            )
            for n in range(30)
        ]
    )
    bulk = Contribution.objects.filter(description="bulk")
    services.contributions_bulk_update(contributions=bulk, value=F("value") + 1, status=Status.SUBMITTED)
    services.contributions_bulk_update(
        contributions=bulk.filter(activity__isnull=True), date=F("date") + timedelta(days=31)
    )
    services.contributions_bulk_update(contributions=bulk.filter(activity__isnull=False), activity=None)
    assert_same()


def test_what_each_reader_sees_is_totalled_the_same_way(rate, nxp, asmpt, nxp_rep, asmpt_rep, director, steering):
    rng = random.Random(11)
    lines = list(ActionLine.objects.all())
    items = [_random_item(rng, nxp, nxp_rep, lines) for _ in range(12)]
    items += [_random_item(rng, asmpt, asmpt_rep, lines) for _ in range(12)]
    services.period_submit(partner=asmpt, period=items[-1].period, acting_user=asmpt_rep)
    for user in (nxp_rep, asmpt_rep, director, steering):
        condition = visibility_condition(user)
        expected = recount(queryset=contributions_visible_to(user), by=("partner", "status"))
        assert totals(by=("partner", "status"), condition=condition).rows == expected.rows, user
        assert_same(by=("month", "status"), condition=condition, date_from=date(2026, 2, 10), date_to=date(2026, 9, 5))
    steering_view = totals(by=("status",), condition=visibility_condition(steering))
    assert set(steering_view.rows) == {(Status.SUBMITTED,)}  # never anyone's drafts


def test_a_rebuild_gives_the_same_summary(rate, plan, nxp, nxp_rep):
    rng = random.Random(3)
    lines = list(ActionLine.objects.all())
    for _ in range(10):
        _random_item(rng, nxp, nxp_rep, lines, link=True)
    before = totals(by=ALL)
    zeros = {f"{column}_{kind}": 0 for column in ("count", "value") for kind in KINDS}
    ContributionSummary.objects.update(hours=0, **zeros)  # as if it had been damaged
    assert totals(by=ALL).total.count == 0
    assert services.summaries_rebuild() == len(before.rows)
    assert totals(by=ALL).rows == before.rows


def test_the_command_checks_the_summary_against_a_recount_and_rebuilds_it(rate, plan, nxp, nxp_rep):
    rng = random.Random(9)
    for _ in range(6):
        _random_item(rng, nxp, nxp_rep, list(ActionLine.objects.all()), link=True)
    out = io.StringIO()
    call_command("summaries_rebuild", "--check", stdout=out)
    assert "equals a full recount" in out.getvalue()

    first = ContributionSummary.objects.order_by("pk").first()
    ContributionSummary.objects.filter(pk=first.pk).update(count_money=F("count_money") + 1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 summary rows differ"):
        call_command("summaries_rebuild", "--check", stdout=out)
    assert f"partner={nxp.pk}" in out.getvalue()

    call_command("summaries_rebuild", stdout=io.StringIO())
    assert differences() == []


def test_the_summary_refuses_a_grouping_it_does_not_hold():
    with pytest.raises(ValueError, match="description"):
        totals(by=("description",))


def test_an_activity_whose_contributions_moved_away_can_be_deleted(rate, director, plan, nxp, nxp_rep):
    """Its summary rows (all zero by then) go with it; while a contribution points at it, it stays."""
    version2 = plan_services.plan_new_version(plan=plan, acting_user=director)
    activity = version2.activities.first()
    line = activity.action_line
    services.contributions_load(
        contributions=[
            Contribution(
                partner=nxp,
                action_line=line,
                period=services.period_for_date(date(2026, 5, 4)),
                kind=Kind.OTHER,
                date=date(2026, 5, 4),
                description="x",
                amount=Decimal("10"),
                value=Decimal("10"),
                created_by=nxp_rep,
                activity=activity,
            )
        ]
    )
    services.contributions_bulk_update(contributions=Contribution.objects.filter(activity=activity), activity=None)
    activity_id = activity.pk
    assert ContributionSummary.objects.filter(activity_id=activity_id, **{f"count_{k}": 0 for k in KINDS}).exists()
    plan_services.activity_delete(activity=activity, acting_user=director)
    assert not ContributionSummary.objects.filter(activity_id=activity_id).exists()
    assert_same()


@pytest.mark.parametrize(
    ("date_from", "date_to", "whole", "partial"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 1)), []),
        (date(2026, 3, 15), date(2026, 12, 31), (date(2026, 4, 1), date(2026, 12, 1)), [("2026-03-15", "2026-03-31")]),
        (date(2026, 1, 1), date(2026, 6, 15), (date(2026, 1, 1), date(2026, 5, 1)), [("2026-06-01", "2026-06-15")]),
        (date(2026, 3, 15), date(2026, 3, 20), None, [("2026-03-15", "2026-03-20")]),
        (date(2026, 3, 15), date(2026, 4, 10), None, [("2026-03-15", "2026-04-10")]),
        (None, date(2026, 2, 27), (None, date(2026, 1, 1)), [("2026-02-01", "2026-02-27")]),
        (date(2026, 12, 2), None, (date(2027, 1, 1), None), [("2026-12-02", "2026-12-31")]),
        (date(2026, 5, 1), date(2026, 4, 30), None, []),
    ],
)
def test_a_date_range_is_read_as_whole_months_plus_the_days_of_part_months(date_from, date_to, whole, partial):
    got_whole, got_partial = month_split(date_from, date_to)
    assert got_whole == whole
    assert [(a.isoformat(), b.isoformat()) for a, b in got_partial] == partial


def test_any_date_range_gives_exact_figures(rate, plan, nxp, asmpt, nxp_rep, asmpt_rep, django_assert_num_queries):
    rng = random.Random(5)
    lines = list(ActionLine.objects.all())
    for n in range(30):
        _random_item(rng, *([nxp, nxp_rep] if n % 2 else [asmpt, asmpt_rep]), lines, link=True)
    for _ in range(25):
        start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 320))
        end = start + timedelta(days=rng.randint(0, 200))
        assert_same(by=("partner", "month", "activity", "status"), date_from=start, date_to=end)
    with django_assert_num_queries(1):  # whole months: the summary alone
        totals(by=("month",), date_from=date(2026, 4, 1), date_to=date(2026, 6, 30))
    with django_assert_num_queries(2):  # part-months: their days from the contributions, added
        totals(by=("month",), date_from=date(2026, 4, 2), date_to=date(2026, 6, 30))


# --- Random sequences of what users (and bulk paths) do; the summary equals a full recount after each step --

OPERATIONS = (
    "create",
    "edit",
    "delete",
    "submit",
    "approve",
    "return",
    "reopen",
    "import",
    "bulk",
    "move",
    "relink",
    "adopt",
)


def _pick(rng: random.Random, **filters) -> Contribution | None:
    ids = list(Contribution.objects.filter(**filters).values_list("pk", flat=True))
    return Contribution.objects.get(pk=rng.choice(ids)) if ids else None


def _run(operation: str, rng: random.Random, world: dict) -> None:
    lines, director = world["lines"], world["director"]
    partner, rep = rng.choice(world["parties"])
    editable = {"status__in": [Status.DRAFT, Status.RETURNED]}
    if operation == "create":
        _random_item(rng, partner, rep, lines, link=True)
    elif operation == "edit" and (item := _pick(rng, **editable)):
        line = rng.choice(lines)
        services.contribution_update(
            contribution=item,
            acting_user=world["reps"][item.partner_id],
            expected_version=item.version,
            action_line=line,
            activity=rng.choice([None, *_activities(line)]),
            date=date(2026, rng.randint(1, 11), rng.randint(1, 28)),
            kind=Kind.OTHER,
            amount=Decimal(rng.randint(1, 9999)),
        )
    elif operation == "delete" and (item := _pick(rng, **editable)):
        services.contribution_delete(contribution=item, acting_user=world["reps"][item.partner_id])
    elif operation == "submit" and (item := _pick(rng, **editable)):
        services.period_submit(partner=item.partner, period=item.period, acting_user=world["reps"][item.partner_id])
    elif operation == "approve" and (item := _pick(rng, status=Status.SUBMITTED)):
        services.contribution_approve(contribution=item, acting_user=director)
    elif operation == "return" and (item := _pick(rng, status=Status.SUBMITTED)):
        services.contribution_return(contribution=item, acting_user=director, comment="Graag toelichten")
    elif operation == "reopen" and (item := _pick(rng, status=Status.APPROVED)):
        services.contribution_reopen(contribution=item, acting_user=director, reason="Bedrag klopt niet")
    elif operation == "import":  # what the import's task writes: many rows at once, all or nothing
        rows = [
            {
                "date": date(2026, rng.randint(1, 11), rng.randint(1, 28)),
                "action_line": rng.choice(lines),
                "kind": Kind.MONEY,
                "amount": Decimal(rng.randint(1, 500)),
                "description": "Import",
            }
            for _ in range(rng.randint(1, 3))
        ]
        if rng.random() < 0.7:
            try:
                services.contributions_bulk_create(partner=partner, acting_user=rep, rows=rows)
            except services.RowsInvalid:
                pass  # a row broke a rule: nothing was written
        else:
            services.contributions_check(partner=partner, acting_user=rep, rows=rows)  # the preview
    elif operation == "bulk":  # a bulk load past the workflow, in any status
        day = date(2026, rng.randint(1, 11), rng.randint(1, 28))
        services.contributions_load(
            contributions=[
                Contribution(
                    partner=partner,
                    action_line=(line := rng.choice(lines)),
                    activity=rng.choice([None, *_activities(line)]),
                    period=services.period_for_date(day),
                    kind=Kind.MATERIALS,
                    date=day,
                    description="bulk",
                    amount=(amount := Decimal(rng.randint(1, 10**5)) / 100),
                    value=amount,
                    status=rng.choice(list(Status)),
                    created_by=rep,
                )
                for _ in range(rng.randint(1, 4))
            ]
        )
    elif operation == "move" and (item := _pick(rng)):  # a bulk update past the workflow: the date only
        services.contributions_bulk_update(
            contributions=Contribution.objects.filter(pk=item.pk), date=item.date + timedelta(days=rng.randint(-40, 40))
        )
    elif operation == "relink":  # some contributions of a line to another of its activities, or to none
        line = rng.choice(lines)
        services.contributions_bulk_update(
            contributions=Contribution.objects.filter(action_line=line, date__month=rng.randint(1, 11)),
            activity=rng.choice([None, *_activities(line)]),
        )
    elif operation == "adopt":  # a new version of the plan: its adoption relinks every linked contribution
        plan = AnnualPlan.objects.adopted().for_year(2026).get()
        version = plan_services.plan_new_version(plan=plan, acting_user=director)
        if rng.random() < 0.5:
            plan_services.activity_delete(activity=rng.choice(list(version.activities.all())), acting_user=director)
        plan_services.plan_send_for_review(plan=version, acting_user=director)
        plan_services.plan_adopt(plan=version, acting_user=director, decision=DecisionFactory(plan=version))


def test_random_sequences_of_changes_keep_the_summary_equal_to_a_full_recount(
    rate, plan, programme, nxp, asmpt, nxp_rep, asmpt_rep, director
):
    world = {
        "lines": list(ActionLine.objects.all()),
        "director": director,
        "parties": [(nxp, nxp_rep), (asmpt, asmpt_rep)],
        "reps": {nxp.pk: nxp_rep, asmpt.pk: asmpt_rep},
    }
    # What every example starts from (each example is rolled back to it): drafts, submitted, approved items.
    rng = random.Random(1)
    for partner, rep in world["parties"]:
        for n in range(12):
            item = _random_item(rng, partner, rep, world["lines"], link=True)
            if n % 3:
                services.period_submit(partner=partner, period=item.period, acting_user=rep)
    for item in Contribution.objects.filter(status=Status.SUBMITTED)[::2]:
        services.contribution_approve(contribution=item, acting_user=director)
    statuses = set(Contribution.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.SUBMITTED, Status.APPROVED} <= statuses

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 2**32)), min_size=1, max_size=15))
    def run(steps: list[tuple[str, int]]) -> None:
        savepoint = transaction.savepoint()
        try:
            for operation, seed in steps:
                try:
                    with transaction.atomic():
                        _run(operation, random.Random(seed), world)
                except ValidationError:
                    pass  # refused by a rule (e.g. evidence needed): nothing changed
                assert_same()
        finally:
            transaction.savepoint_rollback(savepoint)

    run()
