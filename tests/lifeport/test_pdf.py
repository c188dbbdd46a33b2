import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import staticfiles_storage
from pypdf import PdfReader

from lifeport.lib import pdf as pdf_lib
from lifeport.lib.pdf import BASE_URL, BlockedURL, PDFError, render_pdf, static_file_for_url

HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.[a-z0-9]+$")


@pytest.fixture
def probe_template(tmp_path, settings) -> str:
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Voortgang</h1><p>€ 1.234,56</p>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return "pdf/probe.html"


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """The URLs WeasyPrint asks the fetcher for (the real fetcher answers them)."""
    urls: list[str] = []

    def recording(url: str):
        urls.append(url)
        return static_file_for_url(url)

    monkeypatch.setattr(pdf_lib, "static_file_for_url", recording)
    return urls


@pytest.fixture
def static_root_copy(settings, tmp_path) -> Path:
    """A copy of the collected STATIC_ROOT (hard links: cheap) that a test may take files out of."""
    copy = tmp_path / "static"
    shutil.copytree(django_settings.STATIC_ROOT, copy, copy_function=shutil.os.link)
    settings.STATIC_ROOT = copy
    return copy


def test_a_pdf_has_its_title_and_text_and_fetches_our_static_css(probe_template):
    data = render_pdf(template_name=probe_template, context={}, title="Voortgangsrapportage")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Voortgangsrapportage"
    text = reader.pages[0].extract_text()
    assert "Voortgang" in text and "€ 1.234,56" in text and "pagina 1 van 1" in text


def test_as_deployed_the_pdf_fetches_the_hashed_static_names_that_collectstatic_wrote(probe_template, fetched):
    render_pdf(template_name=probe_template, context={}, title="Voortgangsrapportage")
    static = [url for url in fetched if "/static/" in url]
    assert static, "the PDF fetched no static file"
    assert all(HASHED.search(url) for url in static), static
    assert BASE_URL + "static/" + staticfiles_storage.stored_name("css/pdf.css") in static
    assert staticfiles_storage.stored_name("css/pdf.css") != "css/pdf.css"  # the storage hashes, as deployed


def test_the_url_fetcher_serves_a_hashed_static_file_from_the_storage():
    hashed = staticfiles_storage.stored_name("css/pdf.css")
    body, mime_type = static_file_for_url(BASE_URL + "static/" + hashed)
    assert b"@page" in body and mime_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/x.css",
        BASE_URL + "media/evidence/1.pdf",
        BASE_URL + "static/../x",
        BASE_URL + "static/%2e%2e/settings.py",
        BASE_URL + "static//etc/passwd",
        BASE_URL + "static/css/",
        BASE_URL + "static/",
        BASE_URL + "static/css/pdf.000000000000.css",
    ],
)
def test_the_url_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(BlockedURL):
        static_file_for_url(url)


def test_as_deployed_a_source_file_that_was_not_collected_is_not_fetched_from_the_sources(static_root_copy):
    (static_root_copy / "css" / "pdf.css").unlink()
    with pytest.raises(BlockedURL):
        static_file_for_url(BASE_URL + "static/css/pdf.css")  # the finders still know css/pdf.css


def test_in_development_the_fetcher_reads_the_sources_that_were_never_collected(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "empty"
    assert b"@page" in static_file_for_url(BASE_URL + "static/css/pdf.css")[0]


def test_a_static_file_missing_as_deployed_fails_the_render_with_an_exception_that_names_it(
    probe_template, static_root_copy
):
    hashed = staticfiles_storage.stored_name("css/pdf.css")
    (static_root_copy / hashed).unlink()
    with pytest.raises(PDFError) as raised:  # an Exception, not WeasyPrint's BaseException
        render_pdf(template_name=probe_template, context={}, title="x")
    assert hashed in str(raised.value)


@pytest.mark.parametrize("src", ["file:///etc/passwd", "https://example.org/tracker.png", "/media/evidence/1.pdf"])
def test_weasyprint_with_our_fetcher_refuses_to_render_a_page_that_reaches_outside(src):
    from lifeport.lib.pdf import html_to_pdf

    with pytest.raises(PDFError):
        html_to_pdf(f'<img src="{src}"><p>x</p>')
