from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from lifeport.lib.proxies import FORWARDED_HEADERS, from_trusted_proxy

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def language_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Dutch first: the language chosen with the switch (cookie), else the user's profile, else Dutch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a civil servant with an
    English browser still gets the Dutch application unless they choose English.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in LANGUAGES:
            profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
            language = profile.language if profile is not None else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware


def forwarded_headers_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """First of all: a peer that is not one of our proxies (TRUSTED_PROXIES) has its X-Forwarded-* removed.

    So nothing later (SECURE_PROXY_SSL_HEADER, the audit trail, django-axes) can be told by a client that it
    came over HTTPS or from another address.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if not from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return get_response(request)

    return middleware


def no_store_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Every page and file a signed-in user gets is kept by no browser or proxy cache (Cache-Control: no-store).

    So the back button after signing out, a shared computer or a caching proxy shows nothing of it. Static
    files (WhiteNoise, earlier in the chain) and anonymous pages keep their own headers.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response

    return middleware
