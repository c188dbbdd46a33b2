"""Who may see and change which annual plan, activity and indicator.

Not visible → 404 (Http404 from the `*_for_user` helpers); visible but not allowed → 403 (PermissionDenied
from the `check_*` helpers). "Leads this action line" comes from partners.permissions (django-guardian).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionlines.models import ActionLine, Activity, AnnualPlan, Indicator, Milestone, PlanComment, Pledge
from partners.models import Role
from partners.permissions import AnyUser, action_lines_led_by, can_see_programme, has_role, is_programme_staff, leads


def plans_visible_to(user: AnyUser) -> QuerySet[AnnualPlan]:
    """Everyone who works in the programme reads every plan and version; observers read issued reports only."""
    return AnnualPlan.objects.all() if can_see_programme(user) else AnnualPlan.objects.none()


def check_can_see_plans(user: AnyUser) -> None:
    if not can_see_programme(user):
        raise PermissionDenied


def plan_for_user(user: AnyUser, pk: int) -> AnnualPlan:
    check_can_see_plans(user)
    return get_object_or_404(plans_visible_to(user).select_related("adopted_by"), pk=pk)


def activity_for_user(user: AnyUser, pk: int) -> Activity:
    check_can_see_plans(user)
    return get_object_or_404(Activity.objects.select_related("plan", "action_line"), pk=pk)


def pledge_for_user(user: AnyUser, pk: int) -> Pledge:
    check_can_see_plans(user)
    return get_object_or_404(Pledge.objects.select_related("activity__plan", "activity__action_line"), pk=pk)


def milestone_for_user(user: AnyUser, pk: int) -> Milestone:
    check_can_see_plans(user)
    return get_object_or_404(Milestone.objects.select_related("activity__plan", "activity__action_line"), pk=pk)


def indicator_for_user(user: AnyUser, pk: int) -> Indicator:
    check_can_see_plans(user)
    return get_object_or_404(Indicator.objects.select_related("plan", "action_line"), pk=pk)


def comment_for_user(user: AnyUser, pk: int) -> PlanComment:
    check_can_see_plans(user)
    return get_object_or_404(PlanComment.objects.select_related("activity__plan"), pk=pk)


def action_line_or_404(code: str) -> ActionLine:
    try:
        return ActionLine.objects.get(code=code)
    except ActionLine.DoesNotExist as exc:
        raise Http404 from exc


# --- What a user may do --------------------------------------------------------------------------------


def can_manage_plan(user: AnyUser) -> bool:
    return is_programme_staff(user)


def can_edit_plan(user: AnyUser, plan: AnnualPlan) -> bool:
    """The plan as a whole (introduction, every line): the director, and only while draft."""
    return plan.is_draft and is_programme_staff(user)


def can_edit_line(user: AnyUser, plan: AnnualPlan, action_line: ActionLine) -> bool:
    """A line's activities, pledges, milestones and indicators: the director, or that line's lead; only in draft."""
    return plan.is_draft and (is_programme_staff(user) or leads(user, action_line))


def editable_lines(user: AnyUser, plan: AnnualPlan) -> QuerySet[ActionLine]:
    if not plan.is_draft:
        return ActionLine.objects.none()
    return ActionLine.objects.all() if is_programme_staff(user) else action_lines_led_by(user)


def can_comment(user: AnyUser, plan: AnnualPlan) -> bool:
    """While the plan is in review, steering group members (and the director) comment per activity."""
    return plan.is_in_review and (has_role(user, Role.STEERING) or is_programme_staff(user))


def can_resolve_comments(user: AnyUser, plan: AnnualPlan) -> bool:
    return not plan.is_frozen and is_programme_staff(user)


def can_record_progress(user: AnyUser, plan: AnnualPlan, action_line: ActionLine) -> bool:
    """Realisation, not plan: milestone status and indicator actuals of the adopted plan (director or lead)."""
    return plan.is_adopted and (is_programme_staff(user) or leads(user, action_line))


def progress_lines(user: AnyUser, plan: AnnualPlan) -> QuerySet[ActionLine]:
    if not plan.is_adopted:
        return ActionLine.objects.none()
    return ActionLine.objects.all() if is_programme_staff(user) else action_lines_led_by(user)


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
