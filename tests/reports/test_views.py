from decimal import Decimal

import pytest

from reports import services
from reports.models import Report, ReportExport, ReportStatus
from tests.factories import ContributionFactory, DecisionFactory
from tests.reports.conftest import issue_with_decision, ready_report, report_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(programme):
    return report_objects(programme)


@pytest.mark.parametrize("who", ["nxp_rep", "observer", "talent_lead"])
def test_a_representative_an_observer_and_a_lead_cannot_reach_a_draft_report(client, reports, who, request):
    client.force_login(request.getfixturevalue(who))
    draft = reports["draft_report"]
    for suffix in ("", "status/", "pdf/", "grafiek/lines.svg", "pdf-maken/", "uitgeven/", "xlsx/"):
        assert client.get(f"/rapportages/{draft.pk}/{suffix}").status_code == 404, suffix
    assert client.post(f"/rapportages/{draft.pk}/pdf-maken/").status_code == 404
    listing = client.get("/rapportages/").content.decode()
    assert f"/rapportages/{draft.pk}/" not in listing
    assert f"/rapportages/{reports['issued_report'].pk}/" in listing


def test_an_observer_reads_and_downloads_issued_reports_and_nothing_else(client, reports, observer):
    client.force_login(observer)
    issued = reports["issued_report"]
    assert client.get(issued.get_absolute_url()).status_code == 200
    response = client.get(f"/rapportages/{issued.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="lifeport-voortgangsrapportage-2026-v2')
    assert client.get("/rapportages/dashboard/").status_code == 403
    assert client.get("/partners/").status_code == 403
    page = client.get(issued.get_absolute_url()).content.decode()
    assert "Samenvatting en toelichting" not in page and "PDF maken" not in page  # no editing, no generating


def test_a_steering_member_reads_a_draft_but_cannot_change_it(client, reports, steering):
    client.force_login(steering)
    draft = reports["draft_report"]
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.post(draft.get_absolute_url(), {"summary": "Mag niet"}).status_code == 403
    assert client.post(f"/rapportages/{draft.pk}/pdf-maken/").status_code == 403
    draft.refresh_from_db()
    assert draft.summary == ""


def test_the_director_writes_the_summary_and_generates_the_pdf(
    client, programme, director, django_capture_on_commit_callbacks
):
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(10))
    client.force_login(director)
    response = client.post("/rapportages/nieuw/", {"period": "2026", "language": "nl"})
    report = Report.objects.get()
    assert response.url == report.get_absolute_url()

    response = client.post(
        report.get_absolute_url(), {"summary": "Het programma ligt op koers.", "remark_talent": "Goed"}
    )
    assert response.status_code == 302
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Het programma ligt op koers." in page and "€\xa0600,00" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rapportages/{report.pk}/pdf-maken/")
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.line_remarks == {"talent": "Goed"}
    fragment = client.get(f"/rapportages/{report.pk}/status/").content.decode()
    assert "hx-trigger" not in fragment and f"/rapportages/{report.pk}/pdf/" in fragment  # polling stops

    response = client.post(f"/rapportages/{report.pk}/uitgeven/", follow=True)  # without the decision it rests on
    report.refresh_from_db()
    assert not report.is_issued and "Kies het besluit van de regiegroep" in response.content.decode()
    decision = DecisionFactory(report=report)
    assert f'<option value="{decision.pk}">{decision.number}' in client.get(report.get_absolute_url()).content.decode()
    client.post(f"/rapportages/{report.pk}/uitgeven/", {"issue-decision": decision.pk})
    report.refresh_from_db()
    assert report.is_issued and report.issued_by == director


def test_while_generating_the_status_fragment_polls(client, reports, director):
    draft = reports["draft_report"]
    draft.new_render_token()
    draft.render_stage = "rendering"
    draft.save()
    client.force_login(director)
    fragment = client.get(f"/rapportages/{draft.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "De PDF wordt opgemaakt" in fragment
    assert f"/rapportages/{draft.pk}/pdf/" not in fragment
    assert client.get(f"/rapportages/{draft.pk}/pdf/").status_code == 404


def test_bad_input_keeps_what_was_typed_and_shows_a_message(client, programme, director):
    client.force_login(director)
    response = client.post("/rapportages/nieuw/", {"period": "1999-K9", "language": "nl"})
    assert response.status_code == 200 and "utrecht-form-field--invalid" in response.content.decode()
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    too_long = "x" * 10001
    response = client.post(report.get_absolute_url(), {"summary": too_long, "remark_talent": "bewaard"})
    assert response.status_code == 200 and "bewaard" in response.content.decode()


def test_a_representative_sees_programme_totals_and_only_their_own_partner_in_detail(client, programme, nxp, nxp_rep):
    ContributionFactory(partner=nxp, approved=True, hours=Decimal(10))  # € 600
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    client.force_login(nxp_rep)
    page = client.get("/rapportages/dashboard/").content.decode()
    assert "€\xa01.800,00" in page  # programme total
    assert "Uw organisatie" in page and "Goedgekeurde bijdragen van NXP per actielijn" in page
    assert "€\xa01.200,00" not in page and "ASMPT" not in page  # no other partner's figures
    assert client.get("/rapportages/dashboard/grafiek/partners.svg").status_code == 404
    svg = client.get("/rapportages/dashboard/grafiek/lines.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"Talent" in svg.content


def test_a_representative_not_yet_linked_to_a_partner_sees_no_partner_rows_but_an_explanation(client, programme):
    from partners.models import Role
    from partners.permissions import assign_role
    from tests.factories import UserFactory

    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    newcomer = UserFactory(username="rep-new")
    assign_role(user=newcomer, role=Role.REPRESENTATIVE)
    client.force_login(newcomer)
    page = client.get("/rapportages/dashboard/").content.decode()
    assert 'data-testid="no-partner"' in page and "nog niet gekoppeld" in page
    assert "ASMPT" not in page and 'id="partners-heading"' not in page
    assert client.get("/rapportages/dashboard/grafiek/partners.svg").status_code == 404


def test_a_chart_shows_the_new_total_as_soon_as_a_number_changes(client, programme, director):
    """Charts are drawn once per set of figures (cached); a changed figure gives a newly drawn chart."""
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    client.force_login(director)
    url = "/rapportages/dashboard/grafiek/partners.svg"
    first = client.get(url).content.decode()
    assert "1.200" in first
    assert client.get(url).content.decode() == first
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(5))  # € 300 more
    again = client.get(url).content.decode()
    assert "1.500" in again and "1.200" not in again


def test_the_director_sees_every_partner_the_countdown_and_the_deadlines(client, programme, director):
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))
    client.force_login(director)
    page = client.get("/rapportages/dashboard/").content.decode()
    assert "ASMPT" in page and "€\xa01.200,00" in page
    assert 'data-testid="dashboard-countdown"' in page
    assert "Komende deadlines" in page and "Overheid" in page and "Kennis en onderwijs" in page


@pytest.mark.parametrize("url", ["/rapportages/", "/rapportages/dashboard/", "/rapportages/jaaropgaven/"])
def test_list_pages_need_few_queries_whatever_the_number_of_rows(
    client, programme, director, url, django_assert_max_num_queries
):
    from tests.reports.conftest import make_contributions

    make_contributions(programme, approved=2, submitted=1)
    for _ in range(5):
        services.report_create(period_key="2026", language="nl", acting_user=director)
    services.statements_create(year=2026, acting_user=director)
    client.force_login(director)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_the_xlsx_holds_the_tables_and_every_contribution(
    client, programme, director, django_capture_on_commit_callbacks
):
    import io

    from openpyxl import load_workbook

    from tests.reports.conftest import make_contributions

    make_contributions(programme, approved=2, submitted=1)
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rapportages/{report.pk}/xlsx/")
    export = ReportExport.objects.get()
    assert export.status == "done" and export.progress == 100
    response = client.get(f"/rapportages/xlsx/{export.pk}/")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Per actielijn", "Per partner", "Per maand", "Bijdragen"]
    rows = list(book["Bijdragen"].iter_rows(values_only=True))
    assert len(rows) - 1 == 8 * 6 * 2 == export.rows  # every approved one: those the report counted


def test_an_issued_reports_xlsx_lists_contributions_as_they_were_when_it_was_issued(programme, director, nxp):
    import io

    from openpyxl import load_workbook

    from contributions.models import Contribution
    from contributions.services import contributions_bulk_update

    item = ContributionFactory(partner=nxp, approved=True, hours=Decimal(10))
    report = issue_with_decision(ready_report(director=director), director)
    contributions_bulk_update(  # after issuing
        contributions=Contribution.objects.filter(pk=item.pk), hours=Decimal(2), value=Decimal(120)
    )
    Contribution.history.filter(id=item.pk).update(history_date=report.issued_at.replace(year=2025))
    ContributionFactory(partner=nxp, approved=True, hours=Decimal(3))  # created after issuing: no history before
    from reports.permissions import ExportAudience
    from reports.xlsx import write_report_xlsx

    content, rows = write_report_xlsx(report=report, audience=ExportAudience.everything(), progress=lambda d, t: None)
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Bijdragen"]
    listed = list(sheet.iter_rows(values_only=True))[1:]
    assert rows == 1 and listed[0][0] == item.pk and listed[0][9] == 600  # the value when it was issued
