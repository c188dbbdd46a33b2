"""Errors as application/problem+json (RFC 9457), the API-Version header, and the limits of a request.

DRF's exception handler is wrapped so every refusal has `type`, `title`, `status` and `detail`, and a refused
field is listed in `invalid-params` (name and reason), as the NL API Design Rules ask. `api_middleware` puts
`API-Version` on every response under /api/ and turns Django's own error pages there (an unknown URL) into
problems too.
"""

import json
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.parsers import RequestTooLarge
from contributions.models import TransitionError
from contributions.services import StaleEdit

API_VERSION = "1.0.0"
PROBLEM = "application/problem+json"
TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("Unprocessable content"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Internal server error"),
}


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource was changed since you read it."
    default_code = "conflict"


def problem(status_code: int, detail: str, *, invalid_params: list[dict] | None = None, **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
    }
    if invalid_params:
        body["invalid-params"] = invalid_params
    body.update(extra)
    return body


def _invalid_params(detail, prefix: str = "") -> list[dict]:
    params = []
    if isinstance(detail, dict):
        for name, value in detail.items():
            field = "" if name in ("non_field_errors", "__all__") else f"{prefix}{name}"
            params += (
                _invalid_params(value, f"{field}." if field else "")
                if isinstance(value, dict)
                else [{"name": field or "body", "reason": str(reason)} for reason in _flat(value)]
            )
    else:
        params = [{"name": prefix.rstrip(".") or "body", "reason": str(reason)} for reason in _flat(detail)]
    return params


def _flat(value) -> list:
    if isinstance(value, list | tuple):
        return [item for part in value for item in _flat(part)]
    return [value]


def _django_errors(error: ValidationError) -> dict | list:
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def problem_exception_handler(exc, context) -> Response:
    """Every exception of an API view as a problem: DRF's, Django's (404, 403, a service's ValidationError)."""
    if isinstance(exc, ValidationError):
        errors = _django_errors(exc)
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, TransitionError):
        exc = Unprocessable(str(exc))
    elif isinstance(exc, StaleEdit):
        exc = Conflict()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling, turned into a problem by api_middleware
    if isinstance(exc, exceptions.ValidationError):
        params = _invalid_params(exc.detail)
        detail = _("The request has invalid fields; see invalid-params.")
        response.data = problem(response.status_code, detail, invalid_params=params)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        response.data = problem(response.status_code, detail)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    response.content_type = PROBLEM
    return response


def _django_problem(response: HttpResponse) -> HttpResponse:
    code = response.status_code
    detail = {404: _("There is no resource at this address."), 500: _("Something went wrong on our side.")}
    body = problem(code, detail.get(code, TITLES.get(code, _("Error"))))
    replaced = HttpResponse(json.dumps(body), status=code, content_type=PROBLEM)
    for header in ("Allow", "Retry-After"):
        if header in response:
            replaced[header] = response[header]
    return replaced


def api_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Under /api/: `API-Version` on every response, and Django's HTML error pages as problems."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith(PROBLEM):
            response = _django_problem(response)
        response["API-Version"] = API_VERSION
        return response

    return middleware


API_PREFIX = "/api/"
