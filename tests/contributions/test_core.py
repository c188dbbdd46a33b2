from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from actionlines.models import ActionLine
from contributions.figures import recount
from contributions.models import Contribution, HourlyRate, Kind, ReportingPeriod, Status, TransitionError
from contributions.services import (
    StaleEdit,
    contribution_approve,
    contribution_create,
    contribution_update,
    period_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def rate(programme):
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


def test_the_2026_agreement_has_four_quarters_with_deadlines_15_days_after(programme):
    periods = list(ReportingPeriod.objects.values_list("name", "starts_on", "ends_on", "deadline"))
    assert periods == [
        ("2026-K1", date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 15)),
        ("2026-K2", date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 15)),
        ("2026-K3", date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15)),
        ("2026-K4", date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 15)),
    ]


def test_staff_hours_are_valued_at_the_rate_in_force_and_counted_in_the_totals(rate, nxp, nxp_rep, director):
    talent = ActionLine.objects.get(code="talent")
    HourlyRate.objects.create(partner=nxp, rate=Decimal("95.50"), valid_from=date(2026, 7, 1))
    early = contribution_create(
        partner=nxp,
        acting_user=nxp_rep,
        action_line=talent,
        kind=Kind.STAFF_HOURS,
        date=date(2026, 3, 10),
        description="Gastles",
        hours=Decimal("12"),
    )
    late = contribution_create(
        partner=nxp,
        acting_user=nxp_rep,
        action_line=talent,
        kind=Kind.STAFF_HOURS,
        date=date(2026, 10, 5),
        description="Stagebegeleiding",
        hours=Decimal("2.5"),
    )
    assert (early.hourly_rate, early.value, early.period.name) == (Decimal("60.00"), Decimal("720.00"), "2026-K1")
    assert (late.hourly_rate, late.value) == (Decimal("95.50"), Decimal("238.75"))

    period_submit(partner=nxp, period=early.period, acting_user=nxp_rep)
    contribution_approve(contribution=early, acting_user=director)
    totals = recount(by=("partner", "status"))
    assert totals.get(nxp.pk, Status.APPROVED).hours == Decimal("12")
    assert totals.get(nxp.pk, Status.APPROVED).in_kind_value == Decimal("720.00")
    assert totals.get(nxp.pk, Status.DRAFT).in_kind_value == Decimal("238.75")
    assert totals.total.count == 2


def test_a_representative_cannot_approve_or_log_for_another_partner(rate, nxp, asmpt, nxp_rep, asmpt_rep):
    talent = ActionLine.objects.get(code="talent")
    item = contribution_create(
        partner=nxp,
        acting_user=nxp_rep,
        action_line=talent,
        kind=Kind.MONEY,
        date=date(2026, 5, 1),
        description="Sponsoring",
        amount=Decimal("5000"),
    )
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    with pytest.raises(PermissionDenied):
        contribution_approve(contribution=item, acting_user=nxp_rep)
    with pytest.raises(PermissionDenied):
        contribution_create(
            partner=nxp,
            acting_user=asmpt_rep,
            action_line=talent,
            kind=Kind.MONEY,
            date=date(2026, 5, 1),
            description="x",
            amount=Decimal("1"),
        )


def test_approving_a_draft_is_refused(rate, nxp, nxp_rep, director):
    item = contribution_create(
        partner=nxp,
        acting_user=nxp_rep,
        action_line=ActionLine.objects.get(code="ruimte"),
        kind=Kind.FACILITIES,
        date=date(2026, 2, 1),
        description="Cleanroom",
        amount=Decimal("800"),
    )
    with pytest.raises(TransitionError):
        contribution_approve(contribution=item, acting_user=director)
    assert Contribution.objects.get(pk=item.pk).status == Status.DRAFT


def test_a_stale_form_is_refused_and_nothing_is_overwritten(rate, nxp, nxp_rep):
    item = contribution_create(
        partner=nxp,
        acting_user=nxp_rep,
        action_line=ActionLine.objects.get(code="ruimte"),
        kind=Kind.MATERIALS,
        date=date(2026, 2, 1),
        description="Wafers",
        amount=Decimal("800"),
    )
    contribution_update(contribution=item, acting_user=nxp_rep, expected_version=1, amount=Decimal("900"))
    with pytest.raises(StaleEdit):
        contribution_update(contribution=item, acting_user=nxp_rep, expected_version=1, amount=Decimal("1"))
    assert Contribution.objects.get(pk=item.pk).amount == Decimal("900.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": date(2026, 12, 1)}, "date"),  # after today (28 November 2026)
        ({"date": date(2025, 12, 31)}, "date"),  # before the agreement
        ({"hours": Decimal("2000.01")}, "hours"),
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("-3")}, "hours"),
    ],
)
def test_invalid_hours_and_dates_are_refused_with_a_field_message(rate, nxp, nxp_rep, changes, field):
    fields = {"date": date(2026, 6, 1), "hours": Decimal("8"), **changes}
    with pytest.raises(ValidationError) as caught:
        contribution_create(
            partner=nxp,
            acting_user=nxp_rep,
            action_line=ActionLine.objects.get(code="talent"),
            kind=Kind.STAFF_HOURS,
            description="x",
            **fields,
        )
    assert field in caught.value.message_dict
    assert not Contribution.objects.exists()
