"""The NXP representative imports a spreadsheet: a wrong row is shown by row and column and nothing is saved;
the corrected file imports; the template and the export download; axe finds nothing on any page."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from contributions.models import Contribution, HourlyRate, Status
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

HEADERS = ["Datum", "Actielijn", "Soort", "Uren", "Bedrag", "Omschrijving", "Financier", "Budgetcode"]


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in [HEADERS, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(page, data: bytes) -> None:
    page.get_by_label("Bestand").set_input_files(
        {"name": "bijdragen-nxp.xlsx", "mimeType": "application/octet-stream", "buffer": data}
    )
    page.get_by_role("button", name="Bestand controleren").click()
    page.wait_for_load_state()


def test_a_representative_imports_a_spreadsheet_after_correcting_the_wrong_row(page):
    seed_programme()
    seed_demo_users()
    HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))
    rows = [
        ["02-03-2026", "Talent", "Uren", "12", None, "Gastles microchips", None, None],
        ["2026-04-15", "Marktstrategie", "Geld", None, "1.234,56", "Sponsoring netwerkdag", "NXP", None],
        ["2026-05-20", "Talent", "Uren", "2500", None, "Stage", None, None],  # too many hours
    ]
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        log_in(page, "nxp", DEMO_PASSWORD)
        page.get_by_role("link", name="Bijdragen", exact=True).click()
        page.get_by_role("link", name="Importeren uit een bestand").click()
        assert page.get_by_role("heading", name="Bijdragen importeren").is_visible()
        assert_no_axe_violations(page)

        with page.expect_download() as download:
            page.get_by_role("link", name="Sjabloon downloaden (Excel)").click()
        template = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert [c.value for c in template.worksheets[0][1]] == HEADERS

        _upload(page, _xlsx(rows))
        errors = page.get_by_test_id("import-errors")
        assert errors.locator("tbody tr").count() == 1
        assert errors.locator("tbody tr").first.locator("th, td").all_inner_texts()[:2] == ["4", "Uren"]
        assert page.get_by_text("Er is niets geïmporteerd").is_visible()
        assert page.get_by_role("button", name="2 bijdragen importeren").count() == 0
        assert_no_axe_violations(page)
        assert Contribution.objects.count() == 0

        page.get_by_role("link", name="Verbeterd bestand uploaden").click()
        rows[2][3] = "25"
        _upload(page, _xlsx(rows))
        totals = page.get_by_test_id("import-totals").locator("tfoot")
        assert totals.inner_text().replace("\u00a0", " ").split("\t")[-1].strip() == "€ 3.454,56"
        assert_no_axe_violations(page)
        page.get_by_role("button", name="3 bijdragen importeren").click()
        page.wait_for_load_state()
        assert page.get_by_text("3 bijdragen als concept geïmporteerd.").is_visible()
        assert_no_axe_violations(page)
        assert Contribution.objects.filter(status=Status.DRAFT, partner__slug="nxp").count() == 3

        with page.expect_download() as download:
            page.get_by_role("link", name="Downloaden als Excel").click()
        exported = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
        assert exported.max_row == 4 and exported["J2"].number_format == "#,##0.00"
