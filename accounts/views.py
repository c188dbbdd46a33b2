from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import CodeForm, SetupForm
from accounts.services import (
    has_two_factor,
    password_change_locked,
    password_change_refused,
    recovery_codes_left,
    recovery_codes_renew,
    requires_two_factor,
    second_factor_verify,
    totp_device_for_setup,
    two_factor_enable,
)

SESSION_CODES = "lifeport_recovery_codes"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator app or a recovery code."""
    if request.user.is_verified() or not requires_two_factor(request.user):
        return redirect(_next(request))
    if not has_two_factor(request.user):
        return redirect(f"{reverse('accounts:setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("This code is not correct, or you tried too often: wait a few seconds and try again."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a first code."""
    if not requires_two_factor(request.user):
        return redirect("accounts:security")
    if has_two_factor(request.user):
        return redirect("accounts:security" if request.user.is_verified() else "accounts:verify")
    device = totp_device_for_setup(user=request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_enable(request=request, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[SESSION_CODES] = codes
            return redirect(f"{reverse('accounts:recovery_codes')}?{urlencode({'next': _next(request)})}")
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "next": _next(request),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4, light="white"),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/setup.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once right after they were made."""
    codes = request.session.pop(SESSION_CODES, None)
    context = {"codes": codes, "left": recovery_codes_left(request.user), "next": _next(request)}
    return render(request, "accounts/recovery_codes.html", context)


@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        messages.error(request, _("Sign in with your second factor first."))
        return redirect("accounts:security")
    request.session[SESSION_CODES] = recovery_codes_renew(request=request)
    return redirect("accounts:recovery_codes")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """How this account signs in: password, two-factor status, recovery codes left."""
    context = {
        "required": requires_two_factor(request.user),
        "enabled": has_two_factor(request.user),
        "verified": request.user.is_verified(),
        "left": recovery_codes_left(request.user),
    }
    return render(request, "accounts/security.html", context)


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """django-axes' lock-out answer (AXES_LOCKOUT_CALLABLE): our own page, 429 Too Many Requests."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (keeps this session, ends all others), recorded in the audit trail.

    A wrong current password counts as a failed sign-in (django-axes): five from one address, or twenty
    for the account, lock it, here and at the sign-in.
    """

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and password_change_locked(request=request):
            return locked_out(request)
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect") and password_change_refused(request=self.request):
            return locked_out(self.request)
        return super().form_invalid(form)
