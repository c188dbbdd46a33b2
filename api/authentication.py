"""Who calls: an API token in `Authorization: Bearer <key>` (or `Token <key>`), and what it may do."""

from django.conf import settings
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, permissions, throttling

from api.models import ApiToken
from api.services import TokenRefused, api_token_for_key
from lifeport.lib.proxies import client_address

REFUSALS = {
    "unknown": gettext_lazy("The API token is not valid."),
    "revoked": gettext_lazy("The API token has been revoked."),
    "expired": gettext_lazy("The API token has expired."),
}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`request.user` becomes the token's own user and `request.auth` the ApiToken."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _space, key = header.partition(" ")
        if keyword.lower() not in self.keywords:
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed(REFUSALS["unknown"])
        try:
            token = api_token_for_key(key)
        except TokenRefused as refusal:
            raise exceptions.AuthenticationFailed(REFUSALS[str(refusal)]) from None
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def token_of(request) -> ApiToken:
    return request.auth


class HasToken(permissions.BasePermission):
    """Any active token; writes (POST, PATCH, DELETE) only with a partner's write token."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return token.can_write


class IsStaffToken(HasToken):
    """The programme staff's tokens (no partner): the programme's figures per partner."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.auth.is_staff_token


def _rate(scope: str) -> str | None:
    # Read when asked, not at import: settings (and a test's override) decide.
    return settings.API_THROTTLE_RATES.get(scope)


class TokenThrottle(throttling.SimpleRateThrottle):
    """Requests per token."""

    scope = "token"

    def get_rate(self):
        return _rate(self.scope)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AddressThrottle(throttling.SimpleRateThrottle):
    """Requests per address, for every request (with a token or without)."""

    scope = "address"

    def get_rate(self):
        return _rate(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request) or "unknown"}


class OpenDataThrottle(AddressThrottle):
    """The open data, without sign-in: per address, tighter."""

    scope = "open_data"
