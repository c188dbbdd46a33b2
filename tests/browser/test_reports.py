"""The director makes the 2026 progress report end to end; an observer then reads only the issued one.

Through Chromium, the real login (with its second step), htmx polling and a real Celery worker on Redis.
"""

import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from contributions.models import Kind
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.models import Partner
from partners.services import seed_programme
from reports.models import Report, ReportStatus
from tests.conftest import assert_no_axe_violations, log_in
from tests.factories import ContributionFactory, DecisionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _contributions() -> None:
    for slug, hours in (("nxp", 40), ("asmpt", 25), ("radboud-universiteit", 120), ("roc-nijmegen", 60)):
        ContributionFactory(partner=Partner.objects.get(slug=slug), approved=True, hours=Decimal(hours))
    ContributionFactory(
        partner=Partner.objects.get(slug="gemeente-nijmegen"), approved=True, kind=Kind.MONEY, amount=Decimal(85000)
    )
    ContributionFactory(partner=Partner.objects.get(slug="nxp"), submitted=True, hours=Decimal(8))


def test_the_director_issues_the_2026_report_and_an_observer_downloads_only_that_report(page, celery_worker):
    seed_programme()
    seed_demo_users()
    _contributions()
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        log_in(page, "directeur", DEMO_PASSWORD)
        page.get_by_role("link", name="Dashboard").first.click()
        assert page.get_by_test_id("total-approved").inner_text() == "€\xa099.700,00"
        assert_no_axe_violations(page)

        page.goto("/rapportages/")
        page.get_by_role("link", name="Nieuwe rapportage").click()
        page.get_by_label("Periode").select_option("2026")
        page.get_by_role("button", name="Concept starten").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Voortgangsrapportage 2026"
        assert_no_axe_violations(page)

        page.get_by_label("Samenvatting voor het college").fill("Het programma ligt op koers.")
        page.get_by_label("Toelichting bij Talent").fill("Twee nieuwe cohorten gestart.")
        page.get_by_role("button", name="Concept opslaan").click()
        assert page.get_by_test_id("summary").inner_text() == "Het programma ligt op koers."

        page.get_by_role("button", name="PDF maken").click()
        assert page.get_by_test_id("report-status").inner_text() in {"PDF wordt gemaakt", "PDF klaar"}
        download_link = page.get_by_test_id("download-pdf")
        download_link.wait_for(timeout=90_000)  # htmx polls the status fragment until the worker is done
        assert page.get_by_test_id("report-status").inner_text() == "PDF klaar"
        assert_no_axe_violations(page)
        with page.expect_download() as download:
            download_link.click()
        text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
        assert "Het programma ligt op koers." in text and "Twee nieuwe cohorten gestart." in text
        assert "€ 99.700,00" in text.replace("\xa0", " ")

        decision = DecisionFactory(report=Report.objects.get(), text="De regiegroep geeft de rapportage 2026 uit.")
        page.reload()
        page.get_by_label("Besluit van de regiegroep").select_option(str(decision.pk))
        page.get_by_role("button", name="Rapportage uitgeven").click()
        assert page.get_by_test_id("report-status").inner_text() == "Uitgegeven"
        assert_no_axe_violations(page)
        issued = Report.objects.get(status=ReportStatus.ISSUED)

        page.goto("/rapportages/nieuw/")  # a second, draft report the observer must not see
        page.get_by_label("Periode").select_option("2026-K4")
        page.get_by_role("button", name="Concept starten").click()
        draft = Report.objects.get(status=ReportStatus.DRAFT)
        page.get_by_role("button", name="Uitloggen").click()

        log_in(page, "waarnemer", DEMO_PASSWORD)
        nav = page.get_by_role("navigation", name="Hoofdmenu")
        assert nav.get_by_role("link", name="Rapportages").is_visible()
        assert nav.get_by_role("link", name="Dashboard").count() == 0
        page.goto("/rapportages/")
        rows = page.locator("table tbody tr")
        assert rows.count() == 1 and "Voortgangsrapportage 2026" in rows.first.inner_text()
        assert_no_axe_violations(page)
        with page.expect_download() as download:
            rows.first.get_by_role("link", name="Downloaden").click()
        content = open(download.value.path(), "rb").read()
        import hashlib

        assert hashlib.sha256(content).hexdigest() == issued.pdf_sha256
        assert len(PdfReader(io.BytesIO(content)).pages) > 5
        page.goto(issued.get_absolute_url())
        assert_no_axe_violations(page)
        assert page.goto(draft.get_absolute_url()).status == 404
        assert page.goto("/rapportages/dashboard/").status == 403
