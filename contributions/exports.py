"""Contributions out of the application: the import template and the export of a (filtered) list.

Both speak the user's language (Dutch or English column names) and keep numbers as numbers: XLSX
cells hold Decimal values with a number format and dates as dates; CSV uses the decimal mark of the
language (Dutch: "1234,56" separated by semicolons, as Dutch Excel expects). Exports stream: memory
stays bounded whatever the number of rows.
"""

import csv
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from actionlines.models import ActionLine
from contributions.imports import COLUMNS, KIND_TEMPLATE_NAMES, MAX_ROWS, template_language
from contributions.models import Contribution, Status
from contributions.selectors import contribution_totals

MONEY_FORMAT = "#,##0.00"
HOURS_FORMAT = "#,##0.00"
DATE_FORMATS = {"nl": "DD-MM-YYYY", "en": "YYYY-MM-DD"}
CSV_DIALECTS = {"nl": (";", ","), "en": (",", ".")}  # (delimiter, decimal mark)
CHUNK = 2000


def _column_headers() -> list[str]:
    return [str(label) for label in COLUMNS.values()]


# --- The import template ------------------------------------------------------------------------


def import_template_csv() -> str:
    """The template's header row as CSV, in the active language (semicolons in Dutch)."""
    delimiter, _mark = CSV_DIALECTS[template_language()]
    return "\ufeff" + delimiter.join(_column_headers()) + "\r\n"


def import_template_xlsx(file: IO[bytes]) -> None:
    """Write the template workbook: the column row with drop-downs, and a sheet that explains each column."""
    language = template_language()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Contributions")
    sheet.append(_column_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (14, 18, 16, 10, 14, 50, 28, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    last = MAX_ROWS + 1
    lines = [line.name for line in ActionLine.objects.all()]
    kinds = list(KIND_TEMPLATE_NAMES[language].values())
    for column, values in (("B", lines), ("C", kinds)):
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)
    for row in sheet.iter_rows(min_row=2, max_row=200, min_col=1, max_col=1):
        row[0].number_format = DATE_FORMATS[language]

    help_sheet = workbook.create_sheet(_("Instructions"))
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 100
    for name, text in _instructions(lines, kinds):
        help_sheet.append([name, text])
        help_sheet.cell(row=help_sheet.max_row, column=1).font = Font(bold=True)
    workbook.save(file)


def _instructions(lines: list[str], kinds: list[str]) -> list[tuple[str, str]]:
    return [
        (str(COLUMNS["date"]), _("The date of the contribution: 31-03-2026 or 2026-03-31. Not in the future.")),
        (str(COLUMNS["action_line"]), _("One of: %(lines)s.") % {"lines": ", ".join(lines)}),
        (str(COLUMNS["kind"]), _("One of: %(kinds)s.") % {"kinds": ", ".join(kinds)}),
        (
            str(COLUMNS["hours"]),
            _("For staff hours only: the number of hours (at most 2,000), valued at the hourly rate in force."),
        ),
        (
            str(COLUMNS["amount"]),
            _("For all other kinds: the value in euros, e.g. 1.234,56. At most € 10,000,000."),
        ),
        (str(COLUMNS["description"]), _("What was done or given, in a sentence.")),
        (str(COLUMNS["funder"]), _("For money only: who pays it.")),
        (str(COLUMNS["budget_code"]), _("For money only, optional: the budget code, e.g. E600014-001.")),
        (
            "",
            _(
                "Column names may be Dutch or English. Every row is checked before anything is imported; "
                "when one row is wrong, nothing is imported."
            ),
        ),
    ]


# --- The export ---------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "id",
    "partner",
    "date",
    "period",
    "action_line",
    "kind",
    "hours",
    "hourly_rate",
    "amount",
    "value",
    "description",
    "funder",
    "budget_code",
    "status",
)
NUMBER_FIELDS = {"hours", "hourly_rate", "amount", "value"}


def _export_headers() -> list[str]:
    labels = {
        "id": _("Number"),
        "partner": _("Partner"),
        "period": _("Period"),
        "hourly_rate": _("Hourly rate"),
        "value": _("Value"),
        "status": _("Status"),
    }
    return [str(labels.get(name) or COLUMNS[name]) for name in EXPORT_FIELDS]


def _export_rows(queryset: QuerySet[Contribution]) -> Iterator[list]:
    rows = queryset.select_related("partner", "action_line", "period").order_by("-date", "-id")
    for c in rows.iterator(chunk_size=CHUNK):
        yield [
            c.pk,
            c.partner.name,
            c.date,
            c.period.name,
            c.action_line.name,
            c.get_kind_display(),
            c.hours,
            c.hourly_rate,
            c.amount,
            c.value,
            c.description,
            c.funder,
            c.budget_code,
            c.get_status_display(),
        ]


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def export_csv(queryset: QuerySet[Contribution], *, language: str) -> Iterator[str]:
    """The contributions as CSV lines in `language`, streamed chunk by chunk from the database.

    The language is passed in (not taken from the request) because a streaming response is read
    after the view has returned.
    """
    with language_override(language):
        delimiter, mark = CSV_DIALECTS[template_language()]
        writer = csv.writer(_Echo(), delimiter=delimiter)
        yield "\ufeff" + writer.writerow(_export_headers())
        for row in _export_rows(queryset):
            yield writer.writerow(_csv_cell(value, mark) for value in row)


def _csv_cell(value: object, mark: str) -> object:
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", mark)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def export_xlsx(queryset: QuerySet[Contribution]) -> IO[bytes]:
    """The contributions as an XLSX workbook in a temporary file (write-only mode: bounded memory).

    Sheet one holds a row per contribution; sheet two the totals per status, from `contribution_totals`.
    The caller closes the returned file, which deletes it.
    """
    language = template_language()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contributions"))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMN", (9, 24, 12, 10, 18, 30, 9, 11, 14, 14, 50, 28, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_bold(sheet, header) for header in _export_headers()])
    formats = {
        "date": DATE_FORMATS[language],
        "hours": HOURS_FORMAT,
        "hourly_rate": MONEY_FORMAT,
        "amount": MONEY_FORMAT,
        "value": MONEY_FORMAT,
    }
    for row in _export_rows(queryset):
        cells = []
        for name, value in zip(EXPORT_FIELDS, row, strict=True):
            if name in formats and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[name]
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    _write_totals(workbook, queryset)
    file = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(file)
    file.seek(0)
    return file


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _write_totals(workbook: Workbook, queryset: QuerySet[Contribution]) -> None:
    totals = contribution_totals(queryset=queryset, by=("status",))
    sheet = workbook.create_sheet(_("Totals"))
    for letter, width in zip("ABCDEF", (16, 12, 12, 16, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    headers = [_("Status"), _("Items"), _("Hours"), _("In-kind value"), _("Funded"), _("Total value")]
    sheet.append([_bold(sheet, h) for h in headers])
    for status in Status:
        figures = totals.get(status.value)
        if figures.count:
            sheet.append(_figure_cells(sheet, str(status.label), figures))
    sheet.append(_figure_cells(sheet, _("Total"), totals.total))


def _figure_cells(sheet, label: str, figures) -> list:
    cells: list = [label, figures.count]
    for value, number_format in (
        (figures.hours, HOURS_FORMAT),
        (figures.in_kind_value, MONEY_FORMAT),
        (figures.funded, MONEY_FORMAT),
        (figures.total_value, MONEY_FORMAT),
    ):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        cells.append(cell)
    return cells
