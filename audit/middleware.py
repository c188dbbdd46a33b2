from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

# The request being handled, so that `audit_record` called deep inside a service still knows the address.
current_request: ContextVar[HttpRequest | None] = ContextVar("lifeport_current_request", default=None)


def audit_request_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Remember the request for the audit trail (like simple_history's HistoryRequestMiddleware)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return get_response(request)
        finally:
            current_request.reset(token)

    return middleware
