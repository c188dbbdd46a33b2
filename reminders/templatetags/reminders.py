from django import template

from reminders.models import Reminder

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_reminder_count(context) -> int:
    """The signed-in user's unread reminders: one COUNT query, for the page header."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return Reminder.objects.for_user(user).unread().count()
