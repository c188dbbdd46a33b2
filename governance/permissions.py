"""Who may see and change the regiegroep's meetings and decisions.

The director and the programme office record meetings and decisions; steering group members read them and
comment before a meeting. Representatives, leads and observers do not see the steering group's papers (403).
The risk register is read by everyone in the programme; a risk is reviewed by its owner, its line's lead, the
director and the office.
Not visible → 404; visible but not allowed → 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from governance.models import Meeting, MeetingDocument, Risk, RiskMeasure
from partners.models import Role
from partners.permissions import AnyUser, can_see_programme, has_role, is_programme_staff, leads


def can_see_governance(user: AnyUser) -> bool:
    return user.is_authenticated and (is_programme_staff(user) or has_role(user, Role.STEERING))


def can_manage_governance(user: AnyUser) -> bool:
    return is_programme_staff(user)


def can_comment_on(user: AnyUser, meeting: Meeting) -> bool:
    """Steering group members (and the director) comment while the meeting is still ahead."""
    return meeting.is_planned and (has_role(user, Role.STEERING) or is_programme_staff(user))


def can_change_meeting(user: AnyUser, meeting: Meeting) -> bool:
    return not meeting.is_confirmed and can_manage_governance(user)


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def meeting_for_user(user: AnyUser, pk: int) -> Meeting:
    check(can_see_governance(user))
    return get_object_or_404(Meeting.objects.select_related("confirmed_by"), pk=pk)


def document_for_user(user: AnyUser, pk: int) -> MeetingDocument:
    check(can_see_governance(user))
    return get_object_or_404(MeetingDocument.objects.select_related("meeting"), pk=pk)


# --- Risks ---------------------------------------------------------------------------------------------


def can_see_risks(user: AnyUser) -> bool:
    """Everyone who works in the programme reads the register (observers read issued reports only)."""
    return can_see_programme(user)


def can_add_risks(user: AnyUser) -> bool:
    return is_programme_staff(user)


def can_review_risk(user: AnyUser, risk: Risk) -> bool:
    """The risk's owner, the lead of its action line, and the director and office."""
    if not user.is_authenticated:
        return False
    if is_programme_staff(user) or risk.owner_id == user.pk:
        return True
    return risk.action_line is not None and leads(user, risk.action_line)


def risk_for_user(user: AnyUser, pk: int) -> Risk:
    check(can_see_risks(user))
    return get_object_or_404(Risk.objects.select_related("owner", "action_line"), pk=pk)


def measure_for_user(user: AnyUser, pk: int) -> RiskMeasure:
    check(can_see_risks(user))
    return get_object_or_404(RiskMeasure.objects.select_related("risk__owner", "risk__action_line"), pk=pk)


# --- The programme budget --------------------------------------------------------------------------------


def can_see_budget(user: AnyUser) -> bool:
    """The programme organisation's budget: the director, the office and the steering group."""
    return can_see_governance(user)


def can_manage_budget(user: AnyUser) -> bool:
    return is_programme_staff(user)
