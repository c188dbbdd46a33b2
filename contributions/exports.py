"""Contributions out of the application: the import template and the export of a (filtered) list.

Both speak the user's language (Dutch or English column names) and keep numbers as numbers: XLSX
cells hold Decimal values with a number format and dates as dates; CSV uses the decimal mark of the
language (Dutch: "1234,56" separated by semicolons, as Dutch Excel expects). Every cell is written
through `lifeport.lib.spreadsheet`, so no text becomes a formula in a spreadsheet. Exports stream:
memory stays bounded whatever the number of rows. Rows are read as plain values (values_list, one
server-side cursor), never as model instances; workbooks are written with XlsxWriter in constant-memory
mode. An export holds at most MAX_EXPORT_ROWS rows (`export_too_large`).
"""

import tempfile
from collections.abc import Iterator
from typing import IO

import xlsxwriter
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from actionlines.models import ActionLine
from contributions.figures import Totals
from contributions.imports import COLUMNS, KIND_TEMPLATE_NAMES, MAX_ROWS, template_language
from contributions.models import Contribution, Kind, Status
from lifeport.lib.spreadsheet import XlsxFormats, csv_lines, xlsx_rows, xlsx_sheet, xlsx_workbook

CSV_DIALECTS = {"nl": (";", ","), "en": (",", ".")}  # (delimiter, decimal mark)
CHUNK = 2000
# The list's download is made in the request: 100,000 rows take about 6 s as XLSX (bench/results), well
# inside gunicorn's 30 s. Above this the reader is asked to narrow the list (a filter) first.
MAX_EXPORT_ROWS = 100_000


def _column_headers() -> list[str]:
    return [str(label) for label in COLUMNS.values()]


# --- The import template ------------------------------------------------------------------------


def import_template_csv() -> str:
    """The template's header row as CSV, in the active language (semicolons in Dutch)."""
    delimiter, _mark = CSV_DIALECTS[template_language()]
    return "\ufeff" + "".join(csv_lines([_column_headers()], delimiter=delimiter))


def import_template_xlsx(file: IO[bytes]) -> None:
    """Write the template workbook: the column row with drop-downs, and a sheet that explains each column."""
    language = template_language()
    book, formats = xlsx_workbook(file, language=language)
    sheet = xlsx_sheet(book, _("Contributions"), _column_headers(), (14, 18, 16, 10, 14, 50, 28, 16), formats.bold)
    sheet.set_column(0, 0, 14, formats.date)  # dates typed into the first column show in the language's order
    last = MAX_ROWS  # zero-based: rows 2 to MAX_ROWS + 1 as the spreadsheet counts them
    lines = [line.name for line in ActionLine.objects.all()]
    kinds = list(KIND_TEMPLATE_NAMES[language].values())
    for column, values in ((1, lines), (2, kinds)):
        sheet.data_validation(1, column, last, column, {"validate": "list", "source": values, "ignore_blank": True})

    help_sheet = book.add_worksheet(_("Instructions"))
    help_sheet.set_column(0, 0, 18)
    help_sheet.set_column(1, 1, 100)
    xlsx_rows(help_sheet, _instructions(lines, kinds), [("text", formats.bold), ("text", None)], first_row=0)
    book.close()


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
            _("For all other kinds: the value in euros, e.g. 1,234.56. At most € 10,000,000."),
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
# What each export column is read from: plain values, no model instances (ten times faster at 100,000 rows).
EXPORT_VALUES = {"partner": "partner__name", "period": "period__name", "action_line": "action_line__name_{lang}"}


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


def _export_rows(queryset: QuerySet[Contribution]) -> Iterator[tuple]:
    """The export's rows as tuples in EXPORT_FIELDS order, names in the active language, newest first.

    One query (a server-side cursor on PostgreSQL, read CHUNK rows at a time) whatever the number of rows.
    """
    language = template_language()
    fields = [EXPORT_VALUES.get(name, name).format(lang=language) for name in EXPORT_FIELDS]
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    rows = queryset.order_by("-date", "-id").values_list(*fields)
    for pk, partner, day, period, line, kind, *middle, status in rows.iterator(chunk_size=CHUNK):
        yield (pk, partner, day, period, line, kinds.get(kind, kind), *middle, statuses.get(status, status))


def export_too_large(queryset: QuerySet[Contribution]) -> bool:
    """Whether `queryset` holds more than MAX_EXPORT_ROWS rows (read up to one past the limit, never counted whole)."""
    return queryset.order_by()[MAX_EXPORT_ROWS : MAX_EXPORT_ROWS + 1].exists()


def export_csv(queryset: QuerySet[Contribution], *, language: str) -> Iterator[str]:
    """The contributions as CSV lines in `language`, streamed from the database in blocks of CHUNK lines.

    Every cell goes through `lifeport.lib.spreadsheet.csv_cell`: text that a spreadsheet would read as a
    formula gets a quote in front, numbers use the language's decimal mark. The language is passed in
    (not taken from the request) because a streaming response is read after the view has returned.
    """
    with language_override(language):
        delimiter, mark = CSV_DIALECTS[template_language()]
        yield "\ufeff" + next(csv_lines([_export_headers()], delimiter=delimiter))
        block: list[str] = []
        for line in csv_lines(_export_rows(queryset), delimiter=delimiter, decimal_mark=mark):
            block.append(line)
            if len(block) == CHUNK:
                yield "".join(block)
                block = []
        if block:
            yield "".join(block)


# --- XLSX -----------------------------------------------------------------------------------------


def export_xlsx(queryset: QuerySet[Contribution], *, totals: Totals) -> IO[bytes]:
    """The contributions as an XLSX workbook in a temporary file (rows streamed to disk: bounded memory).

    Sheet one holds a row per contribution (numbers and dates as real cells with a number format); sheet
    two `totals` per status: those of the list page (`selectors.contribution_list`). The caller closes the
    returned file, which deletes it.
    """
    file = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book, formats = xlsx_workbook(file, language=template_language())
    sheet = xlsx_sheet(
        book,
        _("Contributions"),
        _export_headers(),
        (9, 24, 12, 10, 18, 30, 9, 11, 14, 14, 50, 28, 14, 14),
        formats.bold,
    )
    kinds = {"id": ("number", None), "date": ("date", formats.date), "hours": ("number", formats.hours)}
    money = ("number", formats.money)
    cells = [kinds.get(name) or (money if name in NUMBER_FIELDS else ("text", None)) for name in EXPORT_FIELDS]
    xlsx_rows(sheet, _export_rows(queryset), cells)
    _write_totals(book, formats, totals)
    book.close()
    file.seek(0)
    return file


def _write_totals(book: xlsxwriter.Workbook, formats: XlsxFormats, totals: Totals) -> None:
    headers = [_("Status"), _("Items"), _("Hours"), _("In-kind value"), _("Funded"), _("Total value")]
    sheet = xlsx_sheet(book, _("Totals"), headers, (16, 12, 12, 16, 16, 16), formats.bold)
    rows = [(str(status.label), totals.get(status.value)) for status in Status]
    rows = [(label, figures) for label, figures in rows if figures.count] + [(_("Total"), totals.total)]
    cells = [("text", None), ("number", None), ("number", formats.hours)] + [("number", formats.money)] * 3
    xlsx_rows(
        sheet,
        ((label, f.count, f.hours, f.in_kind_value, f.funded, f.total_value) for label, f in rows),
        cells,
    )
