"""Who may see which reminder: only its recipient. The lead times are the programme staff's."""

from django.http import Http404

from partners.permissions import AnyUser
from reminders.models import Preference, Reminder


def reminders_visible_to(user: AnyUser):
    """The reminders shown to `user` in the app: their own, once delivered."""
    return Reminder.objects.for_user(user)


def reminder_for_user(user: AnyUser, pk: int) -> Reminder:
    """The user's own reminder; anyone else's (or none) is a 404."""
    try:
        return reminders_visible_to(user).get(pk=pk)
    except Reminder.DoesNotExist:
        raise Http404 from None


def calendar_owner(token: str):
    """The active user whose secret calendar token this is; an unknown or renewed token is a 404."""
    preference = Preference.objects.select_related("user").filter(calendar_token=token).first()
    if preference is None or not preference.user.is_active:
        raise Http404
    return preference.user
