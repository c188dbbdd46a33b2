"""A contribution may be linked to an activity of the adopted plan of its year, on the same action line."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from actionlines.demo import seed_demo_plan
from actionlines.models import ActionLine, Activity
from actionlines.services import plan_adopt, plan_new_version, plan_send_for_review
from contributions.models import HourlyRate, Kind
from contributions.services import contribution_create, contribution_update
from tests.factories import DecisionFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def plan(programme):
    HourlyRate.objects.create(rate=Decimal("75"), valid_from=date(2026, 1, 1))
    return seed_demo_plan()


def _log(user, partner, line_code, activity, day=date(2026, 6, 1)):
    return contribution_create(
        partner=partner,
        acting_user=user,
        action_line=ActionLine.objects.get(code=line_code),
        kind=Kind.STAFF_HOURS,
        date=day,
        description="Werk aan het jaarplan",
        hours=Decimal("10"),
        activity=activity,
    )


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_a_contribution_links_to_an_activity_of_the_adopted_plan_on_its_line(plan, nxp, nxp_rep):
    activity = plan.activities.get(title="Gezamenlijk marktprofiel Lifeport")
    contribution = _log(nxp_rep, nxp, "marktstrategie", activity)
    assert contribution.activity == activity


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_it_refuses_an_activity_of_another_action_line(plan, nxp, nxp_rep):
    activity = plan.activities.get(title="Onderzoeksprogramma chipontwerp")  # Innovatie
    with pytest.raises(ValidationError) as error:
        _log(nxp_rep, nxp, "marktstrategie", activity)
    assert error.value.message_dict["activity"] == ["Deze activiteit hoort bij een andere actielijn."]


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_it_refuses_an_activity_of_a_draft_version(plan, nxp, nxp_rep, director):
    draft = plan_new_version(plan=plan, acting_user=director)
    activity = draft.activities.get(title="Gezamenlijk marktprofiel Lifeport")
    with pytest.raises(ValidationError) as error:
        _log(nxp_rep, nxp, "marktstrategie", activity)
    assert error.value.message_dict["activity"] == ["Kies een activiteit uit het vastgestelde jaarplan van 2026."]


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_adopting_a_new_version_moves_the_links_to_the_same_activity_in_it(plan, nxp, nxp_rep, director):
    contribution = _log(nxp_rep, nxp, "marktstrategie", plan.activities.get(title="Gezamenlijk marktprofiel Lifeport"))
    draft = plan_new_version(plan=plan, acting_user=director)
    plan_send_for_review(plan=draft, acting_user=director)
    plan_adopt(plan=draft, acting_user=director, decision=DecisionFactory(plan=draft))

    contribution.refresh_from_db()
    assert contribution.activity.plan == draft
    assert contribution.activity.title == "Gezamenlijk marktprofiel Lifeport"
    # and an edit of the contribution keeps passing the check
    contribution_update(contribution=contribution, acting_user=nxp_rep, expected_version=1, hours=Decimal("12"))
    assert Activity.objects.filter(contributions=contribution).get().plan == draft
