from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts.services import has_two_factor, requires_two_factor

# Views an unverified user may still open: the two-factor steps, signing out, the language switch.
OPEN_VIEWS = {"accounts:verify", "accounts:setup", "accounts:recovery_codes", "logout", "set_language", "healthz"}


class two_factor_middleware:  # noqa: N801 - named like the function middlewares in settings.MIDDLEWARE
    """Director, office and staff reach no page until this session has passed the second factor.

    Runs after django-otp's OTPMiddleware (which gives `request.user.is_verified()`). Sends the user to
    set-up when they have no authenticator yet, else to verification; `next` brings them back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS or not requires_two_factor(user):
            return None
        step = "accounts:verify" if has_two_factor(user) else "accounts:setup"
        url = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


SIGNED_IN_AT = "lifeport_signed_in_at"
LAST_SEEN_AT = "lifeport_last_seen_at"
# The last-seen time is written at most once a minute, so a busy page does not save its session every time.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(request: HttpRequest, **kwargs) -> None:
    """At sign-in (user_logged_in, accounts.apps): note the time and pin the session's expiry to 8 hours on."""
    now = timezone.now()
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN_AT] = now.timestamp()
    request.session.set_expiry(now + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def session_timeout_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Sign out a session 30 minutes after its last request (idle) or 8 hours after signing in (absolute).

    The expiry of the session itself is pinned to the sign-in time plus SESSION_COOKIE_AGE, so saving the
    last-seen time never extends it. Signing out this way is recorded like any sign-out; the next page asks
    to sign in again.
    """
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    absolute = settings.SESSION_COOKIE_AGE

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            moment = now.timestamp()
            session = request.session
            signed_in = session.get(SIGNED_IN_AT)
            last_seen = session.get(LAST_SEEN_AT, signed_in)
            if signed_in is None:  # a session from before these keys existed: its clock starts now
                start_session_clock(request)
            elif moment - last_seen > idle or moment - signed_in > absolute:
                logout(request)
            elif moment - last_seen >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = moment
        return get_response(request)

    return middleware
