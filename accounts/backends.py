"""The signed-in user as every page needs them, read in one query.

Each request loads its user through `get_user`. Django's ModelBackend reads the user alone; the pages then
read the profile (the language, lifeport/middleware.py), the roles (partners.permissions.roles_of) and the
header's count of unread reminders, one query each. Here they come with the user: the profile joined, each
role and the count as a subquery. Nothing is kept between requests: a changed role or a read reminder shows
on the next page.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from partners.models import Role
from reminders.models import Reminder

User = get_user_model()


def _role_flag(role: Role) -> str:
    return f"_has_role_{role.value}"


class UserBackend(ModelBackend):
    """ModelBackend whose `get_user` brings the profile, the roles and the unread reminders along."""

    def get_user(self, user_id):
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
        unread = (
            Reminder.objects.for_user(OuterRef("pk"))
            .unread()
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            User._default_manager.select_related("profile")
            .annotate(
                **{_role_flag(role): Exists(memberships.filter(group__name=role.value)) for role in Role},
                _unread_reminders=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        # As partners.permissions.roles_of keeps them for the request.
        user._lifeport_roles = frozenset(role for role in Role if getattr(user, _role_flag(role)))
        return user
