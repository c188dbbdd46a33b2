"""ContributionSummary (kept by database triggers) always gives the totals that summing the contributions gives."""

import random
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db.models import F

from actionlines.models import ActionLine
from contributions import services
from contributions.models import Contribution, ContributionSummary, HourlyRate, Kind, Status
from contributions.permissions import contributions_visible_to, visibility_condition
from contributions.selectors import contribution_totals, submitted_count, summary_totals

pytestmark = pytest.mark.django_db

ALL = ("partner", "action_line", "period", "kind", "status")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def rate(programme):
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


def assert_same(**filters) -> None:
    by = filters.pop("by", ALL)
    condition = filters.pop("condition", None)
    qs = Contribution.objects.all() if condition is None else Contribution.objects.filter(condition)
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    expected = contribution_totals(queryset=qs, by=by)
    got = summary_totals(by=by, condition=condition, **filters)
    assert got.rows == expected.rows
    assert got.total == expected.total


def _random_item(rng: random.Random, partner, user, lines):
    kind = rng.choice(list(Kind))
    values = {"hours": Decimal(rng.randint(1, 400)) / 4} if kind == Kind.STAFF_HOURS else {}
    values.setdefault("amount", Decimal(rng.randint(1, 10**6)) / 100)
    return services.contribution_create(
        partner=partner,
        acting_user=user,
        action_line=rng.choice(lines),
        kind=kind,
        date=date(2026, rng.randint(1, 11), rng.randint(1, 28)),
        description="x",
        **({"hours": values["hours"]} if kind == Kind.STAFF_HOURS else {"amount": values["amount"]}),
    )


def test_every_workflow_step_keeps_the_summary_equal_to_the_sum_of_the_contributions(
    rate, nxp, asmpt, nxp_rep, asmpt_rep, director
):
    rng = random.Random(7)
    lines = list(ActionLine.objects.all())
    items = [_random_item(rng, nxp, nxp_rep, lines) for _ in range(25)]
    items += [_random_item(rng, asmpt, asmpt_rep, lines) for _ in range(15)]
    assert_same()

    # edits that move an item to another line, kind and value
    for item in items[:8]:
        fresh = Contribution.objects.get(pk=item.pk)
        services.contribution_update(
            contribution=fresh,
            acting_user=nxp_rep,
            expected_version=fresh.version,
            action_line=rng.choice(lines),
            kind=Kind.MONEY,
            amount=Decimal("12.34"),
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
    assert submitted_count() == Contribution.objects.filter(status=Status.SUBMITTED).count()

    # paths that bypass the services: a bulk load and a queryset update
    Contribution.objects.bulk_create(
        [
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
            )
            for _ in range(30)
        ]
    )
    Contribution.objects.filter(description="bulk").update(value=F("value") + 1, status=Status.SUBMITTED)
    Contribution.objects.filter(partner=asmpt, kind=Kind.OTHER).delete()
    assert_same()


def test_what_each_reader_sees_is_totalled_the_same_way(rate, nxp, asmpt, nxp_rep, asmpt_rep, director, steering):
    rng = random.Random(11)
    lines = list(ActionLine.objects.all())
    items = [_random_item(rng, nxp, nxp_rep, lines) for _ in range(12)]
    items += [_random_item(rng, asmpt, asmpt_rep, lines) for _ in range(12)]
    services.period_submit(partner=asmpt, period=items[-1].period, acting_user=asmpt_rep)
    for user in (nxp_rep, asmpt_rep, director, steering):
        condition = visibility_condition(user)
        expected = contribution_totals(queryset=contributions_visible_to(user), by=("partner", "status"))
        assert summary_totals(by=("partner", "status"), condition=condition).rows == expected.rows, user
    steering_view = summary_totals(by=("status",), condition=visibility_condition(steering))
    assert set(steering_view.rows) == {(Status.SUBMITTED,)}  # never anyone's drafts


def test_a_rebuild_gives_the_same_summary(rate, nxp, nxp_rep):
    rng = random.Random(3)
    lines = list(ActionLine.objects.all())
    for _ in range(10):
        _random_item(rng, nxp, nxp_rep, lines)
    before = summary_totals(by=ALL)
    ContributionSummary.objects.update(count=0, hours=0, value=0)  # as if the triggers had been bypassed
    assert summary_totals(by=ALL).total.count == 0
    assert services.summaries_rebuild() == len(before.rows)
    assert summary_totals(by=ALL).rows == before.rows


def test_the_summary_refuses_a_grouping_it_does_not_hold():
    with pytest.raises(ValueError, match="activity"):
        summary_totals(by=("activity",))
