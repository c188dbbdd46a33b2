"""The annual plan's workflow: draft → in review → adopted, who may do what in each state, versions and the
copy to next year."""

from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from actionlines import services
from actionlines.models import (
    ActionLine,
    Activity,
    AnnualPlan,
    Indicator,
    IndicatorActual,
    Milestone,
    PlanStatus,
    PlanTransitionError,
    Pledge,
)
from tests.factories import DecisionFactory, UserFactory

pytestmark = pytest.mark.django_db

# Adopting without a decision: the workflow's own refusals (status, permission) come before the decision's.
ADOPT_WITHOUT_DECISION = partial(services.plan_adopt, decision=None)


@pytest.fixture
def lines(programme) -> dict[str, ActionLine]:
    return {line.code: line for line in ActionLine.objects.all()}


@pytest.fixture
def draft(director, lines, programme) -> AnnualPlan:
    """A 2026 draft with one activity under Talent (with a pledge and a milestone) and one under Innovatie."""
    plan = services.plan_start(year=2026, acting_user=director)
    talent = services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=lines["talent"],
        title="Leerlijn",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 11, 30),
        budget=Decimal("1000"),
    )
    services.pledge_set(activity=talent, partner=programme["roc-nijmegen"], acting_user=director, hours=Decimal("10"))
    services.milestone_create(activity=talent, acting_user=director, title="Start", due_on=date(2026, 3, 1))
    services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=lines["innovatie"],
        title="Onderzoek",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    services.indicator_create(
        plan=plan, action_line=lines["talent"], acting_user=director, name="Studenten", unit="studenten", target=50
    )
    return plan


def _talent(plan: AnnualPlan) -> Activity:
    return plan.activities.get(action_line__code="talent")


def _innovatie(plan: AnnualPlan) -> Activity:
    return plan.activities.get(action_line__code="innovatie")


def _in_review(plan: AnnualPlan, director) -> AnnualPlan:
    return services.plan_send_for_review(plan=plan, acting_user=director)


def _adopted(plan: AnnualPlan, director) -> AnnualPlan:
    return services.plan_adopt(
        plan=_in_review(plan, director), acting_user=director, decision=DecisionFactory(plan=plan)
    )


# --- Starting a plan -------------------------------------------------------------------------------------


def test_the_director_starts_an_empty_draft_for_a_year(director, programme):
    plan = services.plan_start(year=2026, acting_user=director)
    assert (plan.year, plan.version, plan.status, plan.created_by) == (2026, 1, PlanStatus.DRAFT, director)
    assert plan.history.count() == 1


def test_a_second_plan_for_the_same_year_is_refused(director, draft):
    with pytest.raises(ValidationError) as error:
        services.plan_start(year=2026, acting_user=director)
    assert "Er is al een plan voor 2026" in error.value.message_dict["year"][0]


def test_a_plan_before_2026_is_refused(director, programme):
    with pytest.raises(ValidationError):
        services.plan_start(year=2025, acting_user=director)


@pytest.mark.parametrize("persona", ["talent_lead", "steering", "nxp_rep", "observer"])
def test_only_the_director_or_office_starts_a_plan(persona, request, programme):
    with pytest.raises(PermissionDenied):
        services.plan_start(year=2026, acting_user=request.getfixturevalue(persona))


def test_the_office_may_prepare_the_plan_too(office, programme):
    assert services.plan_start(year=2026, acting_user=office).is_draft


# --- Draft: who edits what ------------------------------------------------------------------------------------


def test_the_lead_adds_a_milestone_and_an_activity_to_their_own_line(draft, talent_lead, lines):
    milestone = services.milestone_create(
        activity=_talent(draft), acting_user=talent_lead, title="Eerste cohort", due_on=date(2026, 9, 1)
    )
    activity = services.activity_create(
        plan=draft,
        acting_user=talent_lead,
        action_line=lines["talent"],
        title="Stages",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
    )
    assert milestone.activity.action_line.code == "talent" and activity.plan == draft


@pytest.mark.parametrize(
    "change",
    [
        lambda plan, lead, lines: services.milestone_create(
            activity=_innovatie(plan), acting_user=lead, title="X", due_on=date(2026, 5, 1)
        ),
        lambda plan, lead, lines: services.activity_create(
            plan=plan,
            acting_user=lead,
            action_line=lines["innovatie"],
            title="X",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1),
        ),
        lambda plan, lead, lines: services.activity_update(activity=_innovatie(plan), acting_user=lead, title="X"),
        lambda plan, lead, lines: services.activity_delete(activity=_innovatie(plan), acting_user=lead),
        lambda plan, lead, lines: services.pledge_set(
            activity=_innovatie(plan), partner=_any_partner(), acting_user=lead, hours=Decimal("1")
        ),
        lambda plan, lead, lines: services.indicator_create(
            plan=plan, action_line=lines["innovatie"], acting_user=lead, name="X", unit="x", target=1
        ),
        # moving a Talent activity to Innovatie needs the right to edit Innovatie too
        lambda plan, lead, lines: services.activity_update(
            activity=_talent(plan), acting_user=lead, action_line=lines["innovatie"]
        ),
        lambda plan, lead, lines: services.plan_update(plan=plan, acting_user=lead, narrative="X"),
        lambda plan, lead, lines: services.plan_send_for_review(plan=plan, acting_user=lead),
    ],
    ids=[
        "milestone",
        "activity",
        "edit-activity",
        "delete-activity",
        "pledge",
        "indicator",
        "move-activity",
        "introduction",
        "send-for-review",
    ],
)
def test_the_lead_is_refused_outside_their_line(draft, talent_lead, lines, change):
    with pytest.raises(PermissionDenied):
        change(draft, talent_lead, lines)
    assert _innovatie(draft).title == "Onderzoek"
    assert _talent(draft).action_line.code == "talent"


def _any_partner():
    from partners.models import Partner

    return Partner.objects.first()


@pytest.mark.parametrize("persona", ["steering", "nxp_rep"])
def test_steering_members_and_representatives_do_not_edit_a_draft(draft, persona, request):
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=_talent(draft), acting_user=request.getfixturevalue(persona), title="X")


def test_a_pledge_is_one_row_per_partner_and_needs_an_amount(draft, director, programme):
    roc = programme["roc-nijmegen"]
    services.pledge_set(activity=_talent(draft), partner=roc, acting_user=director, in_kind_value=Decimal("500"))
    pledge = Pledge.objects.get(activity=_talent(draft), partner=roc)
    assert (pledge.hours, pledge.in_kind_value) == (Decimal("10"), Decimal("500"))  # the same row, now with a value
    assert Pledge.objects.filter(activity=_talent(draft), partner=roc).count() == 1
    with pytest.raises(ValidationError):
        services.pledge_set(
            activity=_talent(draft), partner=roc, acting_user=director, hours=0, in_kind_value=0, money=0
        )


def test_an_activity_must_run_in_the_plan_year(draft, director, lines):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            plan=draft,
            acting_user=director,
            action_line=lines["ruimte"],
            title="Te laat",
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 3, 1),
        )
    assert "starts_on" in error.value.message_dict


# --- Draft → in review → adopted -------------------------------------------------------------------------------


def test_sending_for_review_stops_all_editing(draft, director, talent_lead):
    plan = _in_review(draft, director)
    assert plan.status == PlanStatus.IN_REVIEW and plan.review_started_at is not None
    for user in (director, talent_lead):
        with pytest.raises(PermissionDenied):
            services.milestone_create(activity=_talent(plan), acting_user=user, title="X", due_on=date(2026, 4, 1))


def test_an_empty_plan_cannot_go_to_review(director, programme):
    plan = services.plan_start(year=2026, acting_user=director)
    with pytest.raises(ValidationError):
        services.plan_send_for_review(plan=plan, acting_user=director)


def test_steering_members_comment_per_activity_only_in_review(draft, director, steering):
    with pytest.raises(PermissionDenied):
        services.comment_add(activity=_talent(draft), acting_user=steering, text="Te vroeg")
    _in_review(draft, director)
    comment = services.comment_add(activity=_talent(draft), acting_user=steering, text="Graag meer stageplekken.")
    assert comment.activity == _talent(draft) and not comment.is_resolved


@pytest.mark.parametrize("persona", ["talent_lead", "nxp_rep", "observer"])
def test_others_do_not_comment(draft, director, persona, request):
    _in_review(draft, director)
    with pytest.raises(PermissionDenied):
        services.comment_add(activity=_talent(draft), acting_user=request.getfixturevalue(persona), text="X")


def test_adoption_waits_until_the_director_has_resolved_every_comment(draft, director, steering):
    _in_review(draft, director)
    comment = services.comment_add(activity=_talent(draft), acting_user=steering, text="Graag meer stageplekken.")
    with pytest.raises(PermissionDenied):
        services.comment_resolve(comment=comment, acting_user=steering)
    decision = DecisionFactory(plan=draft)
    with pytest.raises(ValidationError):
        services.plan_adopt(plan=draft, acting_user=director, decision=decision)

    services.comment_resolve(comment=comment, acting_user=director, resolution="Twintig extra plekken opgenomen.")
    plan = services.plan_adopt(plan=draft, acting_user=director, decision=decision)
    assert plan.status == PlanStatus.ADOPTED
    comment.refresh_from_db()
    assert comment.resolved_by == director and comment.resolution == "Twintig extra plekken opgenomen."


def test_adopting_records_who_and_when_and_freezes_the_plan(draft, director, talent_lead):
    plan = _adopted(draft, director)
    assert plan.adopted_by == director and plan.adopted_at is not None
    assert plan.history.first().status == PlanStatus.ADOPTED
    for user in (director, talent_lead):
        with pytest.raises(PermissionDenied):
            services.activity_update(activity=_talent(plan), acting_user=user, title="Anders")
        with pytest.raises(PermissionDenied):
            services.milestone_create(activity=_talent(plan), acting_user=user, title="X", due_on=date(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan, acting_user=director, narrative="Anders")


def test_progress_on_the_adopted_plan_is_recorded_by_the_lead_of_the_line(draft, director, talent_lead, lines):
    plan = _adopted(draft, director)
    milestone = _talent(plan).milestones.get()
    services.milestone_record_progress(milestone=milestone, acting_user=talent_lead, status="done")
    milestone.refresh_from_db()
    assert milestone.status == "done" and milestone.done_on is not None

    innovatie_milestone = Milestone.objects.create(activity=_innovatie(plan), title="X", due_on=date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        services.milestone_record_progress(milestone=innovatie_milestone, acting_user=talent_lead, status="done")


def test_progress_is_not_recorded_on_a_draft(draft, director):
    with pytest.raises(PermissionDenied):
        services.milestone_record_progress(
            milestone=_talent(draft).milestones.get(), acting_user=director, status="done"
        )


def test_back_to_draft_from_review_reopens_editing(draft, director, talent_lead):
    _in_review(draft, director)
    plan = services.plan_back_to_draft(plan=draft, acting_user=director)
    assert plan.is_draft
    services.activity_update(activity=_talent(plan), acting_user=talent_lead, title="Leerlijn (herzien)")


@pytest.mark.parametrize(
    ("state", "transition"),
    [
        ("draft", ADOPT_WITHOUT_DECISION),
        ("draft", services.plan_back_to_draft),
        ("draft", services.plan_new_version),
        ("in_review", services.plan_send_for_review),
        ("in_review", services.plan_new_version),
        ("adopted", services.plan_send_for_review),
        ("adopted", services.plan_back_to_draft),
        ("adopted", ADOPT_WITHOUT_DECISION),
    ],
)
def test_each_forbidden_transition_is_refused(draft, director, state, transition):
    if state in ("in_review", "adopted"):
        _in_review(draft, director)
    if state == "adopted":
        services.plan_adopt(plan=draft, acting_user=director, decision=DecisionFactory(plan=draft))
    with pytest.raises(PlanTransitionError):
        transition(plan=draft, acting_user=director)
    draft.refresh_from_db()
    assert draft.status == state


@pytest.mark.parametrize(
    "transition", [services.plan_send_for_review, services.plan_back_to_draft, ADOPT_WITHOUT_DECISION]
)
def test_only_the_director_runs_the_workflow(draft, steering, talent_lead, transition):
    for user in (steering, talent_lead):
        with pytest.raises(PermissionDenied):
            transition(plan=draft, acting_user=user)


def test_the_database_refuses_two_adopted_versions_of_one_year(draft, director):
    _adopted(draft, director)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualPlan.objects.create(year=2026, version=9, status=PlanStatus.ADOPTED, adopted_at=draft.adopted_at)


# --- Versions ----------------------------------------------------------------------------------------------------


def test_an_adopted_plan_changes_only_through_a_new_version(draft, director, talent_lead):
    adopted = _adopted(draft, director)
    version2 = services.plan_new_version(plan=adopted, acting_user=director)
    assert (version2.year, version2.version, version2.status, version2.based_on) == (2026, 2, "draft", adopted)

    services.activity_update(activity=_talent(version2), acting_user=talent_lead, title="Leerlijn 2.0")
    assert _talent(adopted).title == "Leerlijn"  # the adopted version is untouched and stays in force
    with pytest.raises(ValidationError):
        services.plan_new_version(plan=adopted, acting_user=director)  # one open version at a time

    services.plan_adopt(
        plan=_in_review(version2, director), acting_user=director, decision=DecisionFactory(plan=version2)
    )
    adopted.refresh_from_db()
    assert adopted.status == PlanStatus.SUPERSEDED and adopted.superseded_at is not None
    assert _talent(adopted).title == "Leerlijn"  # still readable as it was
    assert AnnualPlan.objects.adopted().for_year(2026).get() == version2


def test_a_new_version_copies_progress_and_shares_no_rows(draft, director):
    adopted = _adopted(draft, director)
    services.milestone_record_progress(milestone=_talent(adopted).milestones.get(), acting_user=director, status="done")
    version2 = services.plan_new_version(plan=adopted, acting_user=director)
    old, new = _talent(adopted), _talent(version2)
    assert old.pk != new.pk and old.key == new.key and new.copied_from == old
    assert new.milestones.get().status == "done"
    assert not set(old.pledges.values_list("pk", flat=True)) & set(new.pledges.values_list("pk", flat=True))


# --- Next year's plan --------------------------------------------------------------------------------------------


def test_next_years_plan_copies_everything_a_year_later_with_no_shared_rows(draft, director, programme):
    adopted = _adopted(draft, director)
    services.milestone_record_progress(milestone=_talent(adopted).milestones.get(), acting_user=director, status="done")
    next_year = services.plan_start_next_year(plan=adopted, acting_user=director)

    assert (next_year.year, next_year.version, next_year.status, next_year.based_on) == (2027, 1, "draft", adopted)
    old, new = _talent(adopted), _talent(next_year)
    assert (new.title, new.budget, new.starts_on, new.ends_on) == (
        "Leerlijn",
        Decimal("1000.00"),
        date(2027, 2, 1),
        date(2027, 11, 30),
    )
    assert list(new.pledges.values_list("partner__slug", "hours")) == [("roc-nijmegen", Decimal("10.0"))]
    milestone = new.milestones.get()
    assert (milestone.due_on, milestone.status, milestone.done_on) == (date(2027, 3, 1), "planned", None)
    assert next_year.indicators.get().name == "Studenten"

    def ids(model, **lookup):
        return set(model.objects.filter(**lookup).values_list("pk", flat=True))

    for model, field in [(Activity, "plan"), (Indicator, "plan")]:
        assert not ids(model, **{field: adopted}) & ids(model, **{field: next_year})
    for model in (Pledge, Milestone):
        assert not ids(model, activity__plan=adopted) & ids(model, activity__plan=next_year)
    assert not IndicatorActual.objects.filter(indicator__plan=next_year).exists()

    # changing next year's copy leaves this year's plan as it was
    services.pledge_set(activity=new, partner=programme["roc-nijmegen"], acting_user=director, hours=Decimal("99"))
    assert old.pledges.get().hours == Decimal("10.0")


def test_a_29_february_moves_to_28_february(director, lines):
    plan = services.plan_start(year=2028, acting_user=director)
    services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=lines["talent"],
        title="Schrikkeldag",
        starts_on=date(2028, 2, 29),
        ends_on=date(2028, 2, 29),
    )
    copy = services.plan_start_next_year(plan=plan, acting_user=director)
    assert copy.activities.get().starts_on == date(2029, 2, 28)


def test_next_years_plan_is_started_once(draft, director):
    adopted = _adopted(draft, director)
    services.plan_start_next_year(plan=adopted, acting_user=director)
    with pytest.raises(ValidationError):
        services.plan_start_next_year(plan=adopted, acting_user=director)


def test_every_change_is_in_the_history(draft, director, talent_lead):
    activity = _talent(draft)
    services.activity_update(activity=activity, acting_user=talent_lead, title="Leerlijn techniek")
    assert [h.title for h in activity.history.order_by("history_date")] == ["Leerlijn", "Leerlijn techniek"]


def test_a_lead_without_a_line_edits_nothing(draft):
    lead_elsewhere = UserFactory(username="lead-ruimte", leads=ActionLine.objects.get(code="ruimte"))
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=_talent(draft), acting_user=lead_elsewhere, title="X")
