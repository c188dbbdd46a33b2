"""Two-factor sign-in (TOTP app + single-use recovery codes) on django-otp.

Required for the director, the programme office and every staff or superuser account
(`requires_two_factor`); `accounts.middleware` sends such a user to set-up or verification until the
session is verified.
"""

from base64 import b32encode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.models import User as AbstractBaseUser  # the user model (no custom one)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import audit_record
from partners.permissions import is_programme_staff

RECOVERY_CODE_COUNT = 10
# The demo's authenticator key for `directeur` and `bureau` (DEBUG only, printed by `seed_lifeport --demo`).
DEMO_TOTP_KEY = b"Lifeport demo 2026 !"
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def requires_two_factor(user: AbstractBaseUser) -> bool:
    """Director, office, staff and superusers must pass a second factor to use the app."""
    if not user.is_authenticated:
        return False
    return user.is_staff or is_programme_staff(user)


def has_two_factor(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def normalise_code(code: str) -> str:
    """What people type: spaces and hyphens between groups, upper or lower case."""
    return "".join(code.split()).replace("-", "").lower()


def totp_device_for_setup(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's unconfirmed authenticator device (created on first call); its key is shown once in set-up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_enable(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator app with a first code; verifies this session; returns new recovery codes.

    Raises ValidationError when the code does not match. The set-up is recorded by audit.receivers.
    """
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(normalise_code(code)):
        raise ValidationError(
            {"code": _("This code is not correct. Check the time on your phone and enter the current code.")}
        )
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)  # type: ignore[arg-type]
    otp_login(request, device)  # audit.receivers records the device's confirmation
    return codes


@transaction.atomic
def recovery_codes_renew(*, request: HttpRequest) -> list[str]:
    """Replace the user's recovery codes with ten new ones (the old ones stop working)."""
    codes = _new_recovery_codes(request.user)  # type: ignore[arg-type]
    audit_record(actor=request.user, action=Action.RECOVERY_CODES, target=request.user, request=request)  # type: ignore[arg-type]
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def second_factor_verify(*, request: HttpRequest, code: str) -> Device | None:
    """Check a code from the app or a recovery code (used up on success); verify the session if it matches.

    django-otp throttles each device after a wrong code (1 s, 2 s, 4 s, ...), so guessing is slow;
    every attempt lands in the audit trail.
    """
    device = match_token(request.user, normalise_code(code))
    if device is None:
        audit_record(actor=request.user, action=Action.SECOND_FACTOR_FAILED, request=request)
        return None
    otp_login(request, device)
    kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    audit_record(actor=request.user, action=Action.SECOND_FACTOR, request=request, details={"method": kind})
    return device


def two_factor_demo_device(*, user: AbstractBaseUser) -> None:
    """Give a demo user a confirmed authenticator with the known demo key (seed_demo_users, DEBUG only)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY.hex(), confirmed=True)


def demo_totp_secret() -> str:
    """The demo key as an authenticator app takes it (base32)."""
    return b32encode(DEMO_TOTP_KEY).decode()


def _password_change_credentials(user) -> dict:
    return {"username": user.get_username()}


def password_change_locked(*, request: HttpRequest) -> bool:
    """Whether this account may not try its current password now (the sign-in's lock, by account or address)."""
    return not AxesProxyHandler.is_allowed(request, _password_change_credentials(request.user))


def password_change_refused(*, request: HttpRequest) -> bool:
    """A wrong current password in the password change: counted like a failed sign-in, recorded in the trail.

    Returns True when this attempt locked the account (or its address), as the sign-in would be.
    """
    AxesProxyHandler.user_login_failed(
        sender=password_change_refused, credentials=_password_change_credentials(request.user), request=request
    )
    user = request.user
    audit_record(actor=user, action=Action.PASSWORD_CHANGE_FAILED, target=user, request=request)  # type: ignore[arg-type]
    return bool(getattr(request, "axes_locked_out", False))
