"""A render that fails ends as failed with a message the user reads, and asking again works (issue 12, finding 1).

Tasks run in-process here; tests/reports/test_tasks.py and tests/browser/test_deployed.py run them in real
workers (retries with back-off, time and memory limits).
"""

from datetime import timedelta

import pytest
import time_machine
from weasyprint.urls import FatalURLFetchingError

from lifeport.lib import pdf as pdf_lib
from lifeport.lib.renders import MAX_ATTEMPTS, TIME_LIMIT
from reports import services
from reports.models import PartnerStatement, Report, ReportStatus
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unfetchable(monkeypatch):
    """WeasyPrint cannot fetch a file the PDF needs: its FatalURLFetchingError is a BaseException."""

    def refuse(url: str):
        raise FatalURLFetchingError(f'Error fetching "{url}"')

    monkeypatch.setattr(pdf_lib, "static_file_for_url", refuse)
    return lambda: monkeypatch.undo()


def _generate(client, report: Report, capture) -> Report:
    with capture(execute=True):
        response = client.post(f"/rapportages/{report.pk}/pdf-maken/")
    assert response.status_code == 302
    return Report.objects.get(pk=report.pk)


def test_a_report_whose_pdf_cannot_fetch_a_file_ends_failed_with_the_message_and_can_be_made_again(
    client, programme, director, unfetchable, django_capture_on_commit_callbacks
):
    ContributionFactory(partner=programme["nxp"], approved=True)
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    client.force_login(director)
    failed = _generate(client, report, django_capture_on_commit_callbacks)
    assert failed.status == ReportStatus.FAILED and not failed.pdf
    assert failed.error.startswith("De PDF kon niet worden gemaakt: Een bestand dat de PDF nodig heeft")
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="render-error"' in page and "Maken mislukt" in page
    assert f"/rapportages/{report.pk}/pdf-maken/" in page  # the button is offered again

    unfetchable()  # the cause is gone
    made = _generate(client, report, django_capture_on_commit_callbacks)
    assert made.status == ReportStatus.READY and made.error == "" and made.render_attempts == 1


def test_a_report_generating_for_longer_than_a_render_may_run_can_be_asked_for_again(
    client, programme, director, django_capture_on_commit_callbacks
):
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    lost = report.new_render_token()  # queued, but its task never ran (the broker lost it)
    report.save()
    client.force_login(director)
    assert _generate(client, report, django_capture_on_commit_callbacks).render_token == lost  # still waiting
    later = report.render_requested_at + timedelta(seconds=TIME_LIMIT + 1)
    with time_machine.travel(later):
        fragment = client.get(f"/rapportages/{report.pk}/status/").content.decode()
        assert "hx-trigger" not in fragment and "Vraag hem opnieuw aan" in fragment
        assert f"/rapportages/{report.pk}/pdf-maken/" in fragment
        made = _generate(client, report, django_capture_on_commit_callbacks)
    assert made.status == ReportStatus.READY and made.render_token != lost


def test_a_render_whose_worker_died_each_time_ends_failed_instead_of_starting_again(programme, director):
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    token = str(report.new_render_token())
    report.save()
    Report.objects.filter(pk=report.pk).update(render_attempts=MAX_ATTEMPTS)  # started, child killed, redelivered
    assert services.report_render(report_id=report.pk, token=token) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "De worker stopte tijdens het maken van de PDF" in report.error


def test_a_statement_whose_pdf_fails_shows_why_and_staff_have_it_made_again(
    client, programme, director, nxp, nxp_rep, unfetchable, django_capture_on_commit_callbacks
):
    ContributionFactory(partner=nxp, approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.statements_create(year=2026, acting_user=director)
    statement = PartnerStatement.objects.get(partner=nxp)
    assert not statement.pdf and "De PDF kon niet worden gemaakt" in statement.error
    generate = f"{statement.get_absolute_url()}pdf-maken/"

    client.force_login(nxp_rep)  # the partner reads why, and cannot confirm figures without their PDF
    page = client.get(statement.get_absolute_url()).content.decode()
    assert 'data-testid="pdf-error"' in page and generate not in page
    assert client.post(generate).status_code == 403

    unfetchable()
    client.force_login(director)
    assert generate in client.get(statement.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(generate).status_code == 302
    statement.refresh_from_db()
    assert statement.pdf and statement.error == "" and statement.render_attempts == 1

    client.force_login(nxp_rep)
    assert client.get(f"{statement.get_absolute_url()}pdf/").status_code == 200
    client.post(statement.get_absolute_url())
    statement.refresh_from_db()
    assert statement.is_confirmed


def test_a_statement_being_made_says_so(client, programme, director, nxp, nxp_rep):
    ContributionFactory(partner=nxp, approved=True)
    services.statements_create(year=2026, acting_user=director)  # its render is queued on commit, not run here
    statement = PartnerStatement.objects.get(partner=nxp)
    client.force_login(nxp_rep)
    assert 'data-testid="pdf-pending"' in client.get(statement.get_absolute_url()).content.decode()
