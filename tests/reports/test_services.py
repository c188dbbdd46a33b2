import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from pypdf import PdfReader

from actionlines.models import ActionLine
from contributions.models import Contribution, HourlyRate, Status
from contributions.services import contribution_approve, contribution_reopen, contribution_update, period_submit
from lifeport.lib.money import format_euro, format_number
from partners.models import Partner
from reports import services
from reports.models import Report, ReportStateError, ReportStatus
from reports.selectors import parse_period, report_data, report_data_from_json, statement_data_from_json
from tests.conftest import stored_files
from tests.factories import ContributionFactory, DecisionFactory
from tests.reports.conftest import issue_with_decision, ready_report

pytestmark = pytest.mark.django_db


def _pdf_text(report: Report) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_every_partner_and_line_and_the_totals_in_dutch(programme, contributions_2026, director):
    report = ready_report(director=director)
    text = _pdf_text(report)

    assert report.status == ReportStatus.READY
    for partner in Partner.objects.all():
        assert partner.name in text, partner.name
    for line in ActionLine.objects.all():
        assert line.name_nl in text, line.name_nl
    totals = report_data_from_json(report.data).totals.approved
    assert format_euro(totals.total_value, "nl") in text
    assert format_euro(totals.in_kind_value, "nl") in text
    assert format_euro(totals.funded, "nl") in text
    assert format_number(totals.hours, "nl", 1) in text
    assert "." in format_euro(totals.total_value, "nl")  # thousands: the Dutch way, € 12.345,67
    assert "Samenvatting" in text and "Goed op koers." in text and "pagina 2 van" in text
    assert "Inhoud" in text  # the table of contents


def test_the_pdf_has_its_metadata_and_is_pdf_a(programme, contributions_2026, director):
    report = ready_report(director=director)
    with report.pdf.open("rb") as handle:
        content = handle.read()
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Voortgangsrapportage 2026"
    assert reader.metadata.author == "Lifeport Semicon Regiegroep"
    assert reader.metadata.creation_date is not None
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"pdfaid:conformance" in xmp  # PDF/A-3b, declared in the XMP metadata
    assert hashlib.sha256(content).hexdigest() == report.pdf_sha256


def test_an_issued_report_keeps_its_data_and_checksum_after_a_contribution_is_corrected(
    programme, director, nxp, nxp_rep
):
    talent = ActionLine.objects.get(code="talent")
    HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))
    item = ContributionFactory(partner=nxp, action_line=talent, approved=True, hours=Decimal(10), created_by=nxp_rep)
    report = issue_with_decision(ready_report(director=director), director)
    stored_data, stored_sha = report.data, report.pdf_sha256
    assert report_data_from_json(stored_data).totals.approved.total_value == Decimal("600.00")

    # The office reopens the item, the representative corrects it, it is approved again.
    contribution_reopen(contribution=item, acting_user=director, reason="Uren waren te hoog")
    item = contribution_update(
        contribution=Contribution.objects.get(pk=item.pk), acting_user=nxp_rep, expected_version=2, hours=Decimal(4)
    )
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    contribution_approve(contribution=Contribution.objects.get(pk=item.pk), acting_user=director)

    report.refresh_from_db()
    assert report.data == stored_data
    assert report.pdf_sha256 == stored_sha == services.sha256_of_file(report.pdf.name)
    assert services.report_build_data(report) == report_data_from_json(stored_data)
    # while a fresh report of the same period shows the correction
    assert report_data(period=parse_period("2026")).totals.approved.total_value == Decimal("240.00")


def test_the_database_refuses_to_change_or_delete_an_issued_report(programme, director):
    report = issue_with_decision(ready_report(director=director), director)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(summary="Anders")
    with pytest.raises(ReportStateError):
        services.report_update_narrative(report=report, acting_user=director, summary="Anders", line_remarks={})
    with pytest.raises(ReportStateError):
        services.report_request_render(report=report, acting_user=director)
    report.refresh_from_db()
    assert report.summary == "Goed op koers." and report.status == ReportStatus.ISSUED


def test_a_new_report_for_the_same_period_is_a_new_version_and_the_old_one_stays(programme, director):
    first = issue_with_decision(ready_report(director=director), director)
    second = services.report_new_version(report=first, acting_user=director)
    third = services.report_create(period_key="2026", language="en", acting_user=director)
    assert (first.version, second.version, third.version) == (1, 2, 3)
    assert second.status == ReportStatus.DRAFT and second.summary == first.summary
    first.refresh_from_db()
    assert first.is_issued and first.pdf
    assert services.report_create(period_key="2026-K3", language="nl", acting_user=director).version == 1


def test_only_a_report_with_a_ready_pdf_can_be_issued(programme, director):
    draft = services.report_create(period_key="2026", language="nl", acting_user=director)
    with pytest.raises(ReportStateError):
        services.report_issue(report=draft, acting_user=director, decision=None)


def test_a_tampered_pdf_cannot_be_issued(programme, director):
    report = ready_report(director=director)
    default_storage.delete(report.pdf.name)
    assert default_storage.save(report.pdf.name, ContentFile(b"%PDF-1.7 not the same file")) == report.pdf.name
    with pytest.raises(ReportStateError):
        services.report_issue(report=report, acting_user=director, decision=DecisionFactory(report=report))


def test_only_programme_staff_make_and_issue_reports(programme, steering, nxp_rep, observer, director):
    for user in (steering, nxp_rep, observer):
        with pytest.raises(PermissionDenied):
            services.report_create(period_key="2026", language="nl", acting_user=user)
    report = ready_report(director=director)
    with pytest.raises(PermissionDenied):
        services.report_issue(report=report, acting_user=steering, decision=None)


def test_editing_the_words_drops_the_pdf_made_before(programme, director):
    report = ready_report(director=director)
    old_file = report.pdf.name
    updated = services.report_update_narrative(
        report=report, acting_user=director, summary="Nieuw", line_remarks={"talent": "Loopt goed", "x": "y"}
    )
    assert updated.status == ReportStatus.DRAFT and not updated.pdf and not updated.is_downloadable
    assert updated.line_remarks == {"talent": "Loopt goed"}
    assert default_storage.exists(old_file)  # deleted on commit, not before


def test_a_render_that_was_superseded_leaves_no_file(programme, director):
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    token = report.new_render_token()
    report.save()
    services.report_update_narrative(report=report, acting_user=director, summary="Nieuw", line_remarks={})

    assert services.report_render(report_id=report.pk, token=str(token)) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.pdf
    assert stored_files("reports") == []


def test_a_failure_while_attaching_the_pdf_removes_the_file(programme, director, monkeypatch):
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    token = report.new_render_token()
    report.save()

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Report, "save", broken_save)
    with pytest.raises(DatabaseError):
        services.report_render(report_id=report.pk, token=str(token))
    assert stored_files() == []


def test_a_year_statement_is_confirmed_by_the_partners_representative_once(
    programme, director, nxp, nxp_rep, asmpt_rep
):
    ContributionFactory(partner=nxp, approved=True, hours=Decimal(10))
    made = services.statements_create(year=2026, acting_user=director)
    statement = next(s for s in made if s.partner_id == nxp.pk)
    assert statement_data_from_json(statement.data).totals.total_value == Decimal("600.00")
    services.statement_render(statement_id=statement.pk)
    statement.refresh_from_db()
    with statement.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 1 and "NXP" in reader.pages[0].extract_text()

    with pytest.raises(PermissionDenied):
        services.statement_confirm(statement=statement, acting_user=asmpt_rep)
    confirmed = services.statement_confirm(statement=statement, acting_user=nxp_rep)
    assert confirmed.confirmed_by == nxp_rep and confirmed.confirmed_at is not None
    again = services.statement_confirm(statement=statement, acting_user=nxp_rep)
    assert again.confirmed_at == confirmed.confirmed_at
    # unchanged figures: making the statements again makes no new version
    assert services.statements_create(year=2026, acting_user=director) == []


def test_the_approved_count_ignores_returned_items(programme, director, nxp):
    ContributionFactory(partner=nxp, returned=True)
    assert report_data(period=parse_period("2026")).totals.approved.count == 0
    assert Contribution.objects.filter(status=Status.RETURNED).count() == 1


def test_the_pdf_is_as_long_for_one_contribution_as_for_every_partner_line_and_month(programme, director):
    from tests.reports.conftest import make_contributions

    def pages(report: Report) -> int:
        with report.pdf.open("rb") as handle:
            return len(PdfReader(io.BytesIO(handle.read())).pages)

    ContributionFactory(partner=programme["nxp"], approved=True)
    ContributionFactory(partner=programme["lifeport-semicon-industries"], approved=True)  # the same eight partners
    few = pages(ready_report(director=director))
    make_contributions(programme, approved=12, submitted=2)
    for partner in programme.values():  # seven-figure sums make the widest numbers
        ContributionFactory(partner=partner, approved=True, kind="money", amount=Decimal("9999999.99"))
    many = ready_report(director=director)
    assert report_data_from_json(many.data).totals.approved.count > 500
    assert pages(many) == few
