import io

import pytest
from pypdf import PdfReader

from lifeport.lib.pdf import BASE_URL, BlockedURL, render_pdf, static_file_for_url


def test_a_pdf_has_its_title_and_text_and_fetches_our_static_css(tmp_path, settings):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Voortgang</h1><p>€ 1.234,56</p>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    data = render_pdf(template_name="pdf/probe.html", context={}, title="Voortgangsrapportage")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Voortgangsrapportage"
    text = reader.pages[0].extract_text()
    assert "Voortgang" in text and "€ 1.234,56" in text and "pagina 1 van 1" in text


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "https://example.org/x.css", BASE_URL + "media/evidence/1.pdf", BASE_URL + "static/../x"],
)
def test_the_url_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(BlockedURL):
        static_file_for_url(url)


def test_the_url_fetcher_serves_a_static_file():
    assert b"@page" in static_file_for_url(BASE_URL + "static/css/pdf.css")[0]


@pytest.mark.parametrize("src", ["file:///etc/passwd", "https://example.org/tracker.png", "/media/evidence/1.pdf"])
def test_weasyprint_with_our_fetcher_refuses_to_render_a_page_that_reaches_outside(src):
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from lifeport.lib.pdf import _static_only_fetcher

    with pytest.raises(FatalURLFetchingError):
        HTML(string=f'<img src="{src}"><p>x</p>', base_url=BASE_URL, url_fetcher=_static_only_fetcher()).write_pdf()
