"""django-axes, configured: a limit per username and address, and one per account (settings.ACCOUNT_FAILURE_LIMIT)."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# AccessAttempt.username holds 255 characters; usernames here hold at most 150 (Django's user model).
USERNAME_MAX_LENGTH = 150


def attempted_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username a sign-in tried (AXES_USERNAME_CALLABLE), cut to what a username can be.

    Bounded before django-axes stores it: a 300-character or NUL-holding name would otherwise fail the
    insert of its AccessAttempt and answer 500 instead of "wrong username or password".
    """
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username") if request is not None else None
    if value is None:
        return None
    return str(value).replace("\x00", "")[:USERNAME_MAX_LENGTH]


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Locks a username from one address after AXES_FAILURE_LIMIT failures, and everywhere after ACCOUNT_FAILURE_LIMIT.

    AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "username"]: the first count is per address,
    the second per account. django-axes compares one number with one limit, so the account's count is
    scaled to it: it reaches AXES_FAILURE_LIMIT exactly when the account reaches its own limit.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_address, per_account = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(per_address, per_account * settings.AXES_FAILURE_LIMIT // settings.ACCOUNT_FAILURE_LIMIT)
