"""A report's XLSX: what each reader may take away follows what they may read in the app, one export per
report and audience is made and reused, a draft's is replaced, and replaced or failed ones are cleaned up."""

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from partners.models import Role
from partners.permissions import grant_partner_representative
from reports import services, tasks
from reports.models import ExportStatus, Report, ReportExport
from tests.factories import ContributionFactory, UserFactory
from tests.reports.conftest import issued_report

pytestmark = pytest.mark.django_db

TABLES = ["Per actielijn", "Per partner", "Per maand"]


@pytest.fixture
def items(programme, nxp, asmpt) -> dict:
    """Per partner an approved and a submitted item in the first quarter of 2026, and an approved one after it."""
    made = {}
    for partner in (nxp, asmpt):
        slug = partner.slug
        made[f"{slug}-approved"] = ContributionFactory(partner=partner, approved=True, date=date(2026, 3, 2))
        made[f"{slug}-submitted"] = ContributionFactory(partner=partner, submitted=True, date=date(2026, 3, 3))
        made[f"{slug}-later"] = ContributionFactory(partner=partner, approved=True, date=date(2026, 5, 4))
    return made


@pytest.fixture
def report(items, director) -> Report:
    return issued_report(director=director, period_key="2026-K1")


def _export(client, user, report: Report, django_capture_on_commit_callbacks) -> tuple[ReportExport, object]:
    """Ask for the XLSX on the report's page as `user` (the task runs in-process), and download it."""
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/rapportages/{report.pk}/xlsx/").status_code == 302
    shown = list(client.get(report.get_absolute_url()).context["exports"])
    assert len(shown) == 1  # the page shows the reader's one export
    response = client.get(f"/rapportages/xlsx/{shown[0].pk}/")
    assert response.status_code == 200
    return shown[0], load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def _listed(book) -> set[int]:
    return {row[0] for row in list(book["Bijdragen"].iter_rows(values_only=True))[1:]}


def test_an_observer_exports_the_reports_tables_and_no_contribution_lines(
    client, report, observer, django_capture_on_commit_callbacks
):
    export, book = _export(client, observer, report, django_capture_on_commit_callbacks)
    assert book.sheetnames == TABLES and export.rows == 0
    page = client.get(report.get_absolute_url()).content.decode()
    assert "De tabellen van deze rapportage." in page and "XLSX met de tabellen van de rapportage" in page


def test_a_representative_exports_the_tables_and_the_counted_lines_of_their_own_partner_only(
    client, report, items, nxp_rep, django_capture_on_commit_callbacks
):
    export, book = _export(client, nxp_rep, report, django_capture_on_commit_callbacks)
    assert book.sheetnames == [*TABLES, "Bijdragen"]
    assert _listed(book) == {items["nxp-approved"].pk}  # not in review, not after the quarter, not ASMPT's
    assert export.rows == 1 and export.audience == f"partners-{items['nxp-approved'].partner_id}"


@pytest.mark.parametrize("who", ["director", "office", "steering", "talent_lead"])
def test_readers_of_every_partners_contributions_export_every_line_the_report_counted(
    client, report, items, who, request, django_capture_on_commit_callbacks
):
    _made, book = _export(client, request.getfixturevalue(who), report, django_capture_on_commit_callbacks)
    assert _listed(book) == {items["nxp-approved"].pk, items["asmpt-approved"].pk}


def test_an_issued_reports_export_is_made_once_per_audience_and_reused(
    client, report, director, office, observer, django_capture_on_commit_callbacks
):
    first, _book = _export(client, director, report, django_capture_on_commit_callbacks)
    again, _book = _export(client, director, report, django_capture_on_commit_callbacks)
    by_office, _book = _export(client, office, report, django_capture_on_commit_callbacks)
    assert first.pk == again.pk == by_office.pk
    page = client.post(f"/rapportages/{report.pk}/xlsx/", follow=True).content.decode()
    assert "De XLSX van deze rapportage staat hieronder klaar" in page
    other_observer = UserFactory(username="observer-2", role=Role.OBSERVER)
    figures, _book = _export(client, observer, report, django_capture_on_commit_callbacks)
    assert _export(client, other_observer, report, django_capture_on_commit_callbacks)[0].pk == figures.pk
    assert ReportExport.objects.count() == 2  # "all" and "figures", however often they are asked for
    assert len(list(default_storage.listdir(f"exports/{report.pk}")[1])) == 2


def test_each_reader_reaches_only_the_export_of_their_own_audience(
    client, report, director, observer, nxp_rep, asmpt_rep, django_capture_on_commit_callbacks
):
    everything, _book = _export(client, director, report, django_capture_on_commit_callbacks)
    nxp_lines, _book = _export(client, nxp_rep, report, django_capture_on_commit_callbacks)
    for user, export in ((observer, everything), (observer, nxp_lines), (asmpt_rep, nxp_lines), (nxp_rep, everything)):
        client.force_login(user)
        for suffix in ("", "status/"):
            assert client.get(f"/rapportages/xlsx/{export.pk}/{suffix}").status_code == 404, (user, export.audience)


def test_the_database_keeps_one_current_export_per_report_and_audience(report, director):
    ReportExport.objects.create(report=report, audience="figures", created_by=director)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(report=report, audience="figures", created_by=director)
    ReportExport.objects.create(report=report, audience="figures", created_by=director, status=ExportStatus.FAILED)
    ReportExport.objects.create(report=report, audience="all", created_by=director)


def test_exporting_a_draft_again_replaces_its_export(client, items, director, django_capture_on_commit_callbacks):
    draft = services.report_create(period_key="2026-K1", language="nl", acting_user=director)
    first, _book = _export(client, director, draft, django_capture_on_commit_callbacks)
    ContributionFactory(partner=items["nxp-approved"].partner, approved=True, date=date(2026, 3, 20))
    second, book = _export(client, director, draft, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and len(_listed(book)) == 3  # made afresh: the new approval is in it
    assert ReportExport.objects.get(pk=first.pk).status == ExportStatus.SUPERSEDED
    assert client.get(f"/rapportages/xlsx/{first.pk}/").status_code == 404
    assert ReportExport.objects.filter(report=draft).exclude(status=ExportStatus.SUPERSEDED).count() == 1


def test_an_export_made_while_the_report_was_a_draft_is_made_again_once_it_is_issued(
    client, items, director, django_capture_on_commit_callbacks
):
    report = issued_report(director=director, period_key="2026-K1")
    before = ReportExport.objects.create(
        report=report, audience="all", created_by=director, status=ExportStatus.DONE, file="exports/old.xlsx"
    )
    ReportExport.objects.filter(pk=before.pk).update(created_at=report.issued_at - timedelta(minutes=5))
    made, _book = _export(client, director, report, django_capture_on_commit_callbacks)
    assert made.pk != before.pk and ReportExport.objects.get(pk=before.pk).status == ExportStatus.SUPERSEDED


def test_an_export_whose_task_was_lost_is_replaced_on_the_next_request(report, director):
    lost = ReportExport.objects.create(report=report, audience="all", created_by=director)
    ReportExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))
    made = services.export_request(report=report, acting_user=director)
    assert made.pk != lost.pk and ReportExport.objects.get(pk=lost.pk).status == ExportStatus.SUPERSEDED


def test_the_clean_up_removes_replaced_and_failed_exports_after_a_day_and_keeps_the_rest(report, director):
    now = timezone.now()

    def export(status: str, age: timedelta, audience: str) -> ReportExport:
        made = ReportExport(report=report, audience=audience, created_by=director, status=status)
        made.file.save(f"{audience}.xlsx", ContentFile(b"PK"), save=True)
        ReportExport.objects.filter(pk=made.pk).update(created_at=now - age, finished_at=now - age)
        return made

    old_replaced = export(ExportStatus.SUPERSEDED, timedelta(days=2), "all")
    old_failed = export(ExportStatus.FAILED, timedelta(hours=25), "figures")
    new_replaced = export(ExportStatus.SUPERSEDED, timedelta(hours=2), "all")
    current = export(ExportStatus.DONE, timedelta(days=30), "all")
    assert tasks.clean_up_exports() == 2
    assert set(ReportExport.objects.values_list("pk", flat=True)) == {new_replaced.pk, current.pk}
    assert not default_storage.exists(old_replaced.file.name) and not default_storage.exists(old_failed.file.name)
    assert default_storage.exists(new_replaced.file.name) and default_storage.exists(current.file.name)


def test_the_beat_schedule_cleans_up_exports_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-clean-up-exports"]
    assert entry["task"] == tasks.clean_up_exports.name
    assert entry["schedule"].minute == {17} and len(entry["schedule"].hour) == 24


def test_a_representative_of_two_partners_exports_the_lines_of_both(
    client, report, items, nxp, asmpt, django_capture_on_commit_callbacks
):
    both = UserFactory(username="rep-both", partner=nxp)
    grant_partner_representative(user=both, partner=asmpt)
    _made, book = _export(client, both, report, django_capture_on_commit_callbacks)
    assert _listed(book) == {items["nxp-approved"].pk, items["asmpt-approved"].pk}
