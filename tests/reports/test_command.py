import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("period", "expected"), [("2026", "2026"), ("2026-K3", "3e kwartaal 2026")])
def test_render_report_writes_a_pdf_of_the_period(programme, contributions_2026, tmp_path, period, expected):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()
    call_command("render_report", "--period", period, "--out", str(out), stdout=stdout)
    reader = PdfReader(out)
    assert reader.metadata.title == f"Voortgangsrapportage {expected}"
    assert expected in reader.pages[0].extract_text()
    assert "approved contributions" in stdout.getvalue()


def test_render_report_in_english_for_the_whole_agreement(programme, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("render_report", "--period", "agreement", "--language", "en", "--out", str(out), stdout=io.StringIO())
    text = PdfReader(out).pages[1].extract_text()
    assert "Contents" in text and "page 2 of" in text


def test_render_report_refuses_an_unknown_period(programme, tmp_path):
    with pytest.raises(CommandError):
        call_command("render_report", "--period", "volgend jaar", "--out", str(tmp_path / "x.pdf"))
