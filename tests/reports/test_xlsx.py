"""The report's XLSX (tables and every contribution), read back with openpyxl: real number and date cells
with their formats in the report's language, and progress that ends at the row count."""

import io
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from contributions.models import Contribution, Kind, Status
from reports import services
from reports.models import ExportStatus, ReportExport
from reports.permissions import ExportAudience
from reports.xlsx import write_report_xlsx
from tests.reports.conftest import make_contributions

pytestmark = pytest.mark.django_db

MONEY = "#,##0.00"


@pytest.mark.parametrize(
    ("language", "date_format", "sheets", "staff_hours"),
    [
        ("nl", "DD-MM-YYYY", ["Per actielijn", "Per partner", "Per maand", "Bijdragen"], "Uren medewerkers (in kind)"),
        ("en", "YYYY-MM-DD", ["Per action line", "Per partner", "Per month", "Contributions"], "Staff hours (in kind)"),
    ],
)
def test_the_report_xlsx_holds_number_and_date_cells_in_the_reports_language(
    programme, director, language, date_format, sheets, staff_hours
):
    make_contributions(programme, approved=2, submitted=1)
    report = services.report_create(period_key="2026", language=language, acting_user=director)
    calls = []
    content, rows = write_report_xlsx(
        report=report, audience=ExportAudience.everything(), progress=lambda done, total: calls.append((done, total))
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == sheets

    listed = book[sheets[3]]
    assert listed.freeze_panes == "A2" and listed.cell(row=1, column=1).font.b
    assert rows == listed.max_row - 1 == Contribution.objects.filter(status="approved").count()  # those it counted
    assert calls == [(rows, rows)]  # fewer rows than one progress step: one call, at the end
    by_id = {listed.cell(row=r, column=1).value: r for r in range(2, listed.max_row + 1)}
    item = Contribution.objects.filter(kind=Kind.STAFF_HOURS, status=Status.APPROVED).order_by("id").first()
    r = by_id[item.pk]
    day = listed.cell(row=r, column=5)
    assert day.is_date and day.value == datetime(item.date.year, item.date.month, item.date.day)  # noqa: DTZ001
    assert day.number_format == date_format
    for column, expected in ((7, item.hours), (8, item.hourly_rate), (10, item.value)):
        cell = listed.cell(row=r, column=column)
        assert cell.data_type == "n" and cell.value == pytest.approx(float(expected)) and cell.number_format == MONEY
    assert listed.cell(row=r, column=9).value is None  # no amount for hours
    assert listed.cell(row=r, column=4).value == staff_hours
    line = item.action_line
    assert listed.cell(row=r, column=3).value == (line.name_en if language == "en" else line.name_nl)

    lines = book[sheets[0]]
    assert lines.max_row == 1 + 6
    for column in range(2, 7):
        cell = lines.cell(row=2, column=column)
        assert cell.data_type == "n" and cell.number_format == MONEY, column
    approved_hours = Contribution.objects.filter(status=Status.APPROVED, kind=Kind.STAFF_HOURS)
    total_hours = sum(float(c.hours) for c in approved_hours)
    assert sum(lines.cell(row=r, column=2).value for r in range(2, 8)) == pytest.approx(total_hours)
    months = book[sheets[2]]
    assert months.cell(row=2, column=3).data_type == "n" and months.cell(row=2, column=3).number_format == MONEY


def test_the_export_task_body_writes_its_progress_to_the_database_as_it_goes_and_ends_at_100(programme, director):
    make_contributions(programme, approved=2, submitted=1)
    rows = Contribution.objects.filter(status="approved").count()
    report = services.report_create(period_key="2026", language="nl", acting_user=director)
    export = ReportExport.objects.create(report=report, created_by=director)
    with CaptureQueriesContext(connection) as queries:
        done = services.export_run(export_id=export.pk, progress_every=50)
    progress_updates = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "reports_reportexport" SET "progress"')
    ]
    steps = [*range(50, rows, 50), rows]
    assert len(progress_updates) == len(steps)  # every 50 rows and after the last one, each on its own
    for sql, step in zip(progress_updates, steps, strict=True):
        assert f'"rows" = {step}' in sql
    assert done.status == ExportStatus.DONE and done.progress == 100 and done.rows == rows
    with done.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    assert len(list(book["Bijdragen"].iter_rows(values_only=True))) == rows + 1
