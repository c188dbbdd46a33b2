"""The one PDF renderer: Django template → WeasyPrint → bytes.

WeasyPrint fetches only the project's own static files (and data: URLs); file://, outside URLs and
anything else are refused, so a report can never leak a local file or call out to the network.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

BASE_URL = "https://lifeport-regie.invalid/"
_STATIC_PREFIX = "/static/"


class BlockedURL(ValueError):
    pass


def static_file_for_url(url: str) -> tuple[bytes, str]:
    """The bytes and type of the static file that `url` names; BlockedURL for every other URL."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(_STATIC_PREFIX):
        raise BlockedURL(f"PDF rendering may not fetch {url!r}")
    relative = unquote(parts.path[len(_STATIC_PREFIX) :])
    if ".." in relative.split("/"):
        raise BlockedURL(f"PDF rendering may not fetch {url!r}")
    path = finders.find(relative)
    if not path:
        raise BlockedURL(f"no static file {relative!r}")
    with open(path, "rb") as handle:
        return handle.read(), mimetypes.guess_type(path)[0] or "application/octet-stream"


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            body, mime_type = static_file_for_url(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})

    # fail_on_errors: a refused URL stops the render instead of silently leaving a hole.
    return StaticOnlyURLFetcher(fail_on_errors=True, allowed_protocols=["https", "data"])


def render_pdf(
    *,
    template_name: str,
    context: dict,
    title: str,
    author: str = "Lifeport Semicon Regiegroep",
    variant: str | None = "pdf/a-3b",
    language: str = "nl",
) -> bytes:
    """Render `template_name` with `context` to PDF bytes (A4 and page furniture come from the template's CSS).

    The title and author go into the PDF metadata (from <title> and <meta name="author"> in pdf/base.html).
    `variant` is a WeasyPrint PDF variant ("pdf/a-3b", "pdf/ua-1") or None. Slow: call it from Celery.
    """
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    context = {**context, "pdf_title": title, "pdf_author": author, "pdf_language": language}
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_static_only_fetcher())
    options = {"pdf_variant": variant} if variant else {}
    return document.write_pdf(**options)
