from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
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
