"""The one PDF renderer: Django template → HTML → WeasyPrint → bytes.

WeasyPrint fetches only the project's own static files (and data: URLs); file://, outside URLs and
anything else are refused, so a PDF can never leak a local file or call out to the network. The static
files are read through `staticfiles_storage`, exactly as the pages get them: as deployed that is what
`collectstatic` wrote under hashed names (`css/pdf.44d311849269.css`), which the finders do not know.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import HashedFilesMixin, staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

BASE_URL = "https://lifeport-regie.invalid/"


class BlockedURL(ValueError):
    pass


class PDFError(Exception):
    """A PDF could not be made. WeasyPrint stops on a resource it may not or cannot fetch with its
    FatalURLFetchingError, a BaseException that `except Exception` never sees; render_pdf raises this instead."""


def _static_prefix() -> str:
    return "/" + urlsplit(settings.STATIC_URL).path.strip("/") + "/"


def _read_static(relative: str) -> bytes:
    """The bytes of static file `relative` (a URL path below STATIC_URL, hashed as deployed)."""
    storage = staticfiles_storage
    try:
        if storage.exists(relative):
            with storage.open(relative, "rb") as handle:
                return handle.read()
    except SuspiciousFileOperation as error:  # the storage's own path-traversal check
        raise BlockedURL(f"PDF rendering may not fetch {relative!r}") from error
    except (IsADirectoryError, PermissionError) as error:
        raise BlockedURL(f"static file {relative!r} cannot be read") from error
    if isinstance(storage, HashedFilesMixin):
        # As deployed only what collectstatic wrote counts: a source file the finders know but that was
        # never collected is as missing for the PDF as it is for the pages.
        raise BlockedURL(f"no static file {relative!r}")
    # Development (DEBUG, plain storage): the sources, as runserver serves them.
    path = finders.find(relative)
    if not path:
        raise BlockedURL(f"no static file {relative!r}")
    with open(path, "rb") as handle:
        return handle.read()


def static_file_for_url(url: str) -> tuple[bytes, str]:
    """The bytes and type of the static file that `url` names; BlockedURL for every other URL."""
    parts = urlsplit(url)
    prefix = _static_prefix()
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
        raise BlockedURL(f"PDF rendering may not fetch {url!r}")
    relative = unquote(parts.path[len(prefix) :])
    if not relative or ".." in relative.split("/") or relative.startswith("/") or "\\" in relative:
        raise BlockedURL(f"PDF rendering may not fetch {url!r}")
    return _read_static(relative), mimetypes.guess_type(relative)[0] or "application/octet-stream"


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


def pdf_html(
    *, template_name: str, context: dict, title: str, author: str = "Lifeport Semicon Regiegroep", language: str = "nl"
) -> str:
    """The HTML a PDF is made from (cheap, unlike the PDF: a render's input can be compared before it is made)."""
    return render_to_string(
        template_name, {**context, "pdf_title": title, "pdf_author": author, "pdf_language": language}
    )


def html_to_pdf(html: str, *, variant: str | None = "pdf/a-3b") -> bytes:
    """Lay out `html` with WeasyPrint. Slow: call it from Celery. Raises PDFError when a resource cannot be had."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import
    from weasyprint.urls import FatalURLFetchingError

    options = {"pdf_variant": variant} if variant else {}
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=_static_only_fetcher()).write_pdf(**options)
    except FatalURLFetchingError as error:
        cause = error.__cause__
        detail = str(cause) if cause else str(error)
        raise PDFError(_("A file the PDF needs could not be read (%(detail)s).") % {"detail": detail}) from error


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
    html = pdf_html(template_name=template_name, context=context, title=title, author=author, language=language)
    return html_to_pdf(html, variant=variant)
