"""Who may see and change the regiegroep's meetings and decisions.

The director and the programme office record meetings and decisions; steering group members read them and
comment before a meeting. Representatives, leads and observers do not see the steering group's papers (403).
Not visible → 404; visible but not allowed → 403.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from governance.models import Meeting, MeetingDocument
from partners.models import Role
from partners.permissions import has_role, is_programme_staff

AnyUser = AbstractBaseUser | AnonymousUser


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
