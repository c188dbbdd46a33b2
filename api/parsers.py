"""Request bodies with a limit (ADR: bounded input): JSON over MAX_JSON_BYTES is refused with 413 unread.

Kept apart from api/problems.py: DRF reads its parser setting while importing its views module.
"""

from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# A contribution is a few hundred bytes; evidence goes as multipart (10 MB, DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_JSON_BYTES = 64 * 1024


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    """JSON with a size limit: a body over MAX_JSON_BYTES is refused (413) before it is read."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            too_large = int(length or 0) > MAX_JSON_BYTES
        except ValueError:
            too_large = True
        if too_large:
            raise RequestTooLarge
        return super().parse(stream, media_type, parser_context)
