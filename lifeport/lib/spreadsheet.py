"""A cell that is safe to open in Excel: every CSV and XLSX the application writes goes through here.

Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`, `-` or `@` as a formula,
and a leading tab or carriage return can hide one (OWASP, "CSV Injection"); quoting the CSV field does
not help. So:

- **CSV**: a text cell that could be read as a formula is written with a single quote in front
  (`'=1+1`), which the spreadsheet shows as the text `=1+1`. Numbers and dates are written as numbers
  and dates, never quoted: a negative amount stays a number. `csv_unguard` takes the quote off again
  when a CSV is imported, so an export imports back to the same text.
- **XLSX** (XlsxWriter only; openpyxl is for reading): text is written with `write_string`, a string
  cell that no spreadsheet evaluates, so it needs no quote; numbers with `write_number`, dates with
  `write_datetime`, each with its number format.

Which text is guarded: text that starts with one of `= + - @ TAB CR` (OWASP's list), and also text
whose first non-blank character is one of `= + - @` (LibreOffice's "trim spaces" import would make
` =1+1` a formula). Text that starts with single quotes followed by such a start gets one quote more
(`'=1` → `''=1`), so that `csv_unguard(csv_text(x)) == x` for every text x: a description that really
starts with `'` keeps it, and only a quote that precedes a guarded start is ever removed. Not guarded:
`|` and `%` (defusedcsv adds them; neither starts a formula in current Excel without a leading `=`).
"""

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMAT = "#,##0.00"
DATE_FORMATS = {"nl": "DD-MM-YYYY", "en": "YYYY-MM-DD"}

# After any leading quotes: a formula character, or blanks and then one. Linear: matched at the start only.
_NEEDS_GUARD = re.compile(r"'*(?:[=+\-@\t\r]|\s+[=+\-@])")
_GUARDED = re.compile(r"'+(?:[=+\-@\t\r]|\s+[=+\-@])")


# --- CSV ------------------------------------------------------------------------------------------


def csv_text(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet reads as a formula (a single quote in front when needed)."""
    return "'" + text if _NEEDS_GUARD.match(text) else text


def csv_unguard(text: str) -> str:
    """The text a CSV cell written by `csv_text` stood for: one quote off a guarded cell, others as they are."""
    return text[1:] if _GUARDED.match(text) else text


def csv_cell(value: object, *, decimal_mark: str = ".") -> str:
    """One value as a CSV cell: empty for None, numbers with `decimal_mark`, dates as 2026-03-31, text guarded."""
    if type(value) is str:  # the common case first
        return csv_text(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", decimal_mark)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value).replace(".", decimal_mark)
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(str(value))  # text, lazy translations and anything else


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]], *, delimiter: str = ",", decimal_mark: str = ".") -> Iterator[str]:
    """Each row as one CSV line (quoted where needed, ending in CRLF), every value through `csv_cell`."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    for row in rows:
        yield writer.writerow([csv_cell(value, decimal_mark=decimal_mark) for value in row])


# --- XLSX (XlsxWriter) ----------------------------------------------------------------------------

# Rows go straight to a temporary file (constant memory); text stays text: never a formula, link or number.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@dataclass(frozen=True)
class XlsxFormats:
    bold: Format
    money: Format
    hours: Format
    date: Format


def xlsx_workbook(file: IO[bytes], *, language: str) -> tuple[xlsxwriter.Workbook, XlsxFormats]:
    """A workbook writing to `file` when closed, with the cell formats of `language` (date order)."""
    book = xlsxwriter.Workbook(file, XLSX_OPTIONS)
    formats = XlsxFormats(
        bold=book.add_format({"bold": True}),
        money=book.add_format({"num_format": NUMBER_FORMAT}),
        hours=book.add_format({"num_format": NUMBER_FORMAT}),
        date=book.add_format({"num_format": DATE_FORMATS.get(language, DATE_FORMATS["nl"])}),
    )
    return book, formats


def xlsx_sheet(
    book: xlsxwriter.Workbook, name: str, headers: Sequence[object], widths: Sequence[int], bold: Format
) -> Worksheet:
    """A worksheet with a bold header row (frozen) and column widths."""
    sheet = book.add_worksheet(str(name)[:31])
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(headers):
        sheet.write_string(0, column, str(header), bold)
    return sheet


def _writers(sheet: Worksheet) -> dict[str, Callable[..., Any]]:
    # write_string takes str only (anything else raises): a text column can never hold a formula or a number.
    return {"number": sheet.write_number, "text": sheet.write_string, "date": sheet.write_datetime}


def xlsx_rows(
    sheet: Worksheet,
    rows: Iterable[Sequence],
    cells: Sequence[tuple[str, Format | None]],
    *,
    first_row: int = 1,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 2000,
) -> int:
    """Write `rows` from `first_row` on; `cells` gives each column's kind ("number", "text" or "date") and format.

    Text is always a string cell (never evaluated), numbers number cells, dates date cells. Empty values
    (None, "") leave the cell empty. Calls `progress(rows written)` every `progress_every` rows and after
    the last one. Returns the number of rows written.
    """
    writers = _writers(sheet)
    columns = [(column, writers[kind], cell_format) for column, (kind, cell_format) in enumerate(cells)]
    done = 0
    for done, row in enumerate(rows, start=1):  # noqa: B007 - the count is returned
        r = first_row + done - 1
        for (column, write, cell_format), value in zip(columns, row, strict=True):
            if value is not None and value != "":
                write(r, column, value, cell_format)
        if progress is not None and done % progress_every == 0:
            progress(done)
    if progress is not None and done % progress_every:
        progress(done)  # the last rows, so progress ends at the row count
    return done
