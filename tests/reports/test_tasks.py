"""Rendering and exporting through a REAL Celery worker on Redis (eager mode would hide the retries)."""

import time
from decimal import Decimal

import pytest

from lifeport.lib import pdf as pdf_lib
from lifeport.lib import renders
from reports import services
from reports.models import ExportStatus, Report, ReportExport, ReportStatus
from tests.conftest import stored_files
from tests.factories import ContributionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _wait_for(report: Report, *statuses: str, timeout: float = 60) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.2)
    pytest.fail(f"report stayed {report.status} ({report.render_stage}, attempt {report.render_attempts})")


def _files_under_media() -> list[str]:
    return stored_files()


def test_a_render_that_runs_out_of_memory_twice_is_retried_after_the_back_off_then_shows_its_error(
    celery_worker, programme, director, client, monkeypatch
):
    calls = []

    def out_of_memory(**kwargs):
        calls.append(time.monotonic())
        raise MemoryError

    monkeypatch.setattr(services, "render_pdf", out_of_memory)
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    services.report_request_render(report=report, acting_user=director)

    report = _wait_for(report, ReportStatus.FAILED, ReportStatus.READY)
    assert report.status == ReportStatus.FAILED
    assert len(calls) == 1 + renders.MAX_RETRIES == 2 and report.render_attempts == 2
    assert calls[1] - calls[0] >= renders.RETRY_BACKOFF  # Celery's autoretry waited, it did not retry at once
    assert "meer nodig dan de 1536 MB geheugen" in report.error
    assert not report.pdf and not report.pdf_sha256 and not report.is_downloadable
    assert _files_under_media() == []  # no half-written file anywhere, temporary ones included
    client.force_login(director)
    assert client.get(f"/rapportages/{report.pk}/pdf/").status_code == 404
    assert report.error in client.get(report.get_absolute_url()).content.decode()


def test_a_render_that_cannot_pass_is_not_retried_and_shows_its_error_at_once(
    celery_worker, programme, director, monkeypatch
):
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise ValueError("Pango gave up")

    monkeypatch.setattr(services, "render_pdf", broken)
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    services.report_request_render(report=report, acting_user=director)
    report = _wait_for(report, ReportStatus.FAILED, ReportStatus.READY, timeout=renders.RETRY_BACKOFF)
    assert report.status == ReportStatus.FAILED and len(calls) == 1
    assert report.error == "De PDF kon niet worden gemaakt: ValueError: Pango gave up"


def test_a_render_that_fails_once_is_retried_and_the_pdf_becomes_downloadable(
    celery_worker, programme, director, client, monkeypatch
):
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(10))
    calls = []

    def flaky_render(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("first attempt ran out of memory")
        return pdf_lib.render_pdf(**kwargs)

    monkeypatch.setattr(services, "render_pdf", flaky_render)
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    services.report_request_render(report=report, acting_user=director)

    report = _wait_for(report, ReportStatus.FAILED, ReportStatus.READY)
    assert report.status == ReportStatus.READY and len(calls) == 2 and report.error == ""
    client.force_login(director)
    response = client.get(f"/rapportages/{report.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert _files_under_media() == [report.pdf.name]


def test_the_xlsx_export_runs_on_the_worker_and_reports_its_progress(celery_worker, programme, director, client):
    for _ in range(5):
        ContributionFactory(partner=programme["nxp"], approved=True)
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    export = services.export_request(report=report, acting_user=director)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        export = ReportExport.objects.get(pk=export.pk)
        if export.status in (ExportStatus.DONE, ExportStatus.FAILED):
            break
        time.sleep(0.2)
    assert export.status == ExportStatus.DONE and export.progress == 100 and export.rows == 5
    client.force_login(director)
    fragment = client.get(f"/rapportages/xlsx/{export.pk}/status/").content.decode()
    assert "hx-trigger" not in fragment and "XLSX met 5 bijdragen" in fragment
