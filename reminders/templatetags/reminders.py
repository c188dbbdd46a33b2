from django import template

from reminders.models import Reminder

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_reminder_count(context) -> int:
    """The signed-in user's unread reminders, for the page header: read with the user
    (accounts.backends.UserBackend), else one COUNT query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if hasattr(user, "_unread_reminders"):
        return user._unread_reminders
    return Reminder.objects.for_user(user).unread().count()
