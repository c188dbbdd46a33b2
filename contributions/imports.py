"""Importing contributions from a CSV or XLSX file, all or nothing, as an `ImportJob`.

The upload is bounded before anything is kept (`upload_refusal`: size, type, a zip's directory); then a
Celery task reads and checks the file ONCE (`import_job_check`) and keeps the result on the job: the rows
to import, the problems by row and column, the totals. The preview page only reads that. Confirming
(`import_job_confirm`) claims the job and queues `contributions_import`, which writes every row through
`services.contributions_bulk_create` — the same rules as the form — in one transaction.

Reading is bounded at every step, whatever the file claims (docs: tests/security/hostile/): the file at
5 MB; an XLSX's zip by its directory (`lifeport.lib.uploads.open_zip`); the sheet's declared dimension
ignored and only the mapped columns read; every cell's length capped before anything parses it; at most
MAX_ROWS rows with content and MAX_SHEET_ROWS rows in all; patterns that run in linear time.
"""

import csv
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from actionlines.models import ActionLine
from audit.models import Action
from audit.services import audit_record
from contributions.figures import Figures, Totals, unsaved_totals
from contributions.models import CENT, ImportJob, ImportStatus, Kind
from contributions.services import (
    RowsInvalid,
    contributions_bulk_create,
    contributions_check,
    duplicate_key,
    duplicate_keys,
)
from lifeport.lib.files import stored_names
from lifeport.lib.money import AmountRefused, format_number, parse_amount
from lifeport.lib.spreadsheet import csv_unguard
from lifeport.lib.uploads import MIB, UnsafeFile, ZipLimits, clean_file_name, open_zip
from partners.models import Partner
from partners.permissions import acts_for

MAX_FILE_BYTES = 5 * MIB
MAX_ROWS = 10_000  # rows with content; bulk-inserted by one task, well inside its time limit
MAX_SHEET_ROWS = 5 * MAX_ROWS  # rows read in all, blank ones included (they keep the row numbers)
MAX_COLUMNS = 100  # cells read of the header row; of the other rows only up to the last mapped column
MAX_CELL_CHARS = 5_000  # above every field's own rule (a description: 2,000), so those give their message
MAX_HEADER_CHARS = 200
MAX_SHARED_STRINGS = 10 * MAX_ROWS  # different texts in an XLSX (openpyxl keeps them all in memory)
# An XLSX of 10,000 rows unpacks to about 3 MB (ratio 11-15); these leave room and stop a bomb. openpyxl
# reads every part but the sheet whole (the shared strings too: 8 MB of short texts take about 5 s, 100 MB).
XLSX_LIMITS = ZipLimits(entries=100, member_bytes=8 * MIB, total_bytes=32 * MIB, ratio=100)
JOB_MAX_AGE = timedelta(days=1)
PROGRESS_EVERY = 500

# The columns in template order, with the label the template and the export print.
COLUMNS: dict[str, str] = {
    "date": gettext_lazy("Date"),
    "action_line": gettext_lazy("Action line"),
    "kind": gettext_lazy("Kind"),
    "hours": gettext_lazy("Hours"),
    "amount": gettext_lazy("Amount"),
    "description": gettext_lazy("Description"),
    "funder": gettext_lazy("Funder"),
    "budget_code": gettext_lazy("Budget code"),
}
# Accepted column names, Dutch and English, compared after `_normalise` (lower case, no accents,
# no "(€)" or other text in brackets, underscores as spaces).
COLUMN_ALIASES: dict[str, set[str]] = {
    "date": {"datum", "date", "dag", "day"},
    "action_line": {"actielijn", "action line", "actionline", "lijn", "line"},
    "kind": {"soort", "kind", "type", "soort bijdrage", "kind of contribution"},
    "hours": {"uren", "hours", "aantal uren", "number of hours", "uur"},
    "amount": {"bedrag", "amount", "bedrag in euro", "amount in euros", "euro", "euros"},
    "description": {"omschrijving", "description", "beschrijving", "toelichting"},
    "funder": {"financier", "funder", "financer", "gefinancierd door", "funded by"},
    "budget_code": {"budgetcode", "budget code", "budgetnummer", "deelprojectnummer", "budget number"},
}
REQUIRED_COLUMNS = ("date", "action_line", "kind", "description")

# Short names for the kinds, besides their code and their full Dutch and English labels.
KIND_ALIASES: dict[str, set[str]] = {
    Kind.STAFF_HOURS: {"uren", "personeelsuren", "uren medewerkers", "staff hours", "hours", "staff"},
    Kind.FACILITIES: {"faciliteiten", "faciliteit", "facilities", "space", "faciliteiten en ruimte"},
    Kind.MATERIALS: {"materialen", "materiaal", "apparatuur", "materials", "equipment", "material"},
    Kind.OTHER: {"overig", "overige", "anders", "other"},
    Kind.MONEY: {"geld", "financiering", "money", "funding", "funded"},
}
# The value offered in the template's drop-down, per language.
KIND_TEMPLATE_NAMES = {
    "nl": {
        Kind.STAFF_HOURS: "Uren",
        Kind.FACILITIES: "Faciliteiten",
        Kind.MATERIALS: "Materialen",
        Kind.OTHER: "Overig",
        Kind.MONEY: "Geld",
    },
    "en": {
        Kind.STAFF_HOURS: "Staff hours",
        Kind.FACILITIES: "Facilities",
        Kind.MATERIALS: "Materials",
        Kind.OTHER: "Other",
        Kind.MONEY: "Money",
    },
}


def template_language() -> str:
    """The language of the template, the export headers and the kind names: English or Dutch."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"


# Where the service reports a problem, by the column the user should look at.
FIELD_TO_COLUMN = {
    "date": "date",
    "period": "date",
    "action_line": "action_line",
    "kind": "kind",
    "hours": "hours",
    "hourly_rate": "hours",
    "amount": "amount",
    "value": "amount",
    "description": "description",
    "funder": "funder",
    "budget_code": "budget_code",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, empty, too large, missing columns)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    """An error or warning for one cell: spreadsheet row number and the column as named in the file."""

    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    number: int  # the row number as the spreadsheet program shows it (the header is row 1)
    values: dict = field(default_factory=dict)
    errors: list[RowProblem] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[ImportRow]
    headers: dict[str, str]  # field -> the column name as written in the file
    ignored_columns: list[str]

    def column_name(self, field_name: str | None) -> str:
        return column_name(self.headers, field_name)


def column_name(headers: dict[str, str], field_name: str | None) -> str:
    if field_name is None:
        return ""
    return headers.get(field_name) or str(COLUMNS[field_name])


@dataclass
class ImportResult:
    """What a check found (or an import did): rows, problems by row and column, totals of the correct rows."""

    row_count: int
    errors: list[RowProblem]
    warnings: list[RowProblem]
    totals: Totals | None
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def per_action_line(self) -> list[tuple[ActionLine, Figures]]:
        """The totals of the valid rows per action line, in the action lines' order."""
        if self.totals is None:
            return []
        rows = self.totals.rollup("action_line")
        lines = ActionLine.objects.in_bulk([key[0] for key in rows])
        ordered = sorted(rows.items(), key=lambda item: (lines[item[0][0]].ordering, lines[item[0][0]].code))
        return [(lines[key[0]], figures) for key, figures in ordered]


# --- Reading cells ----------------------------------------------------------------------------

# Text in brackets, e.g. "Bedrag (€)": a bracket never spans another opening one, so the pattern runs in
# linear time (a non-greedy `\(.*?\)` goes quadratic on a long run of "(").
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _normalise(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = _BRACKETED.sub(" ", text.lower()).replace("_", " ").replace("€", " ")
    return " ".join(text.split())


class _TooLong:
    """A cell longer than MAX_CELL_CHARS: never parsed, only reported."""


TOO_LONG = _TooLong()


def read_cell(value: object, *, unguard: Callable[[str], str] | None = None) -> object:
    """Every cell of the file passes here before anything else reads it (the one place for that).

    A text longer than MAX_CELL_CHARS becomes TOO_LONG without being looked at any further. Of a CSV, a
    cell our export guarded against formulas ('=1+1) reads back as it was written (=1+1): `unguard`.
    """
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_CHARS:
        return TOO_LONG
    return unguard(value) if unguard else value


def parse_decimal(raw: object) -> Decimal:
    """A number from a cell: a spreadsheet number as it is, a text by `parse_amount` in the import's language
    (the form's parser: 1.234,56 in Dutch, 1,234.56 in English). Raises AmountRefused (a ValueError)."""
    if isinstance(raw, bool):
        raise AmountRefused(str(raw), template_language())
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        number = Decimal(repr(raw))
        try:
            # Spreadsheet arithmetic leaves 0.1 + 0.2 = 0.30000000000000004: round such noise to cents.
            return number.quantize(CENT) if abs(number - number.quantize(CENT)) < Decimal("1e-9") else number
        except InvalidOperation as exc:  # 1e300, inf, nan: no amount
            raise AmountRefused(str(raw), template_language()) from exc
    return parse_amount(str(raw), template_language())


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def parse_date(raw: object) -> date:
    """A date from a cell: a spreadsheet date, 2026-03-10 (ISO) or 10-03-2026 / 10/3/2026 (Dutch)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 < raw < 80000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(raw).date()
    text = str(raw).strip().split(" ")[0].split("T")[0]
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DUTCH_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(raw)
    return date(year, month, day)


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _kind_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for kind in Kind:
        names = {kind.value, kind.value.replace("_", " "), *KIND_ALIASES[kind]}
        for language in ("nl", "en"):
            with language_override(language):
                names.add(str(kind.label))
        lookup.update({_normalise(name): kind.value for name in names})
    return lookup


def _action_line_lookup() -> dict[str, ActionLine]:
    lookup: dict[str, ActionLine] = {}
    for line in ActionLine.objects.all():
        for name in (line.code, line.code.replace("-", " "), line.name_nl, line.name_en):
            lookup[_normalise(name)] = line
    return lookup


@dataclass
class Lookups:
    """The names a cell may use for a kind or an action line (read once per file)."""

    kinds: dict[str, str]
    lines: dict[str, ActionLine]

    @classmethod
    def load(cls) -> "Lookups":
        return cls(kinds=_kind_lookup(), lines=_action_line_lookup())


# --- Reading the file: one sheet, row by row, bounded -------------------------------------------------


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("This file has more than %(rows)s rows (blank ones included); at most %(max)s can be imported at once.")
        % {"rows": _number(MAX_SHEET_ROWS), "max": _number(MAX_ROWS)}
        + " "
        + _("Split the file.")
    )


def _number(value: int) -> str:
    return format_number(value, template_language())


class _CsvTable:
    unguard = staticmethod(csv_unguard)

    def __init__(self, data: bytes) -> None:
        self.text = _decode(data)
        first_line = self.text.lstrip().split("\n", 1)[0]
        # Dutch Excel writes CSV with semicolons; others use commas or tabs.
        self.delimiter = max(";,\t", key=first_line.count)

    def rows(self, *, width: int, start: int = 1) -> Iterator[tuple[int, tuple]]:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        number = 0
        while True:
            # The csv module refuses fields over 128 KiB with an error that names no column; the file is at
            # most 5 MB, so let it return the field and `read_cell` refuse it by row and column. Set only for
            # this read, so nothing else in the process sees the limit changed.
            previous = csv.field_size_limit(MAX_FILE_BYTES)
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(_("This CSV file could not be read: %(error)s") % {"error": exc}) from exc
            finally:
                csv.field_size_limit(previous)
            number += 1
            if number > MAX_SHEET_ROWS:
                raise _too_many_rows()
            if number >= start:
                yield number, tuple(cells[:width])

    def close(self) -> None:
        return None


class _XlsxTable:
    unguard = None  # XLSX text cells are written as text, never guarded

    def __init__(self, data: bytes) -> None:
        from defusedxml import DefusedXmlException
        from openpyxl import load_workbook

        try:
            with open_zip(data, limits=XLSX_LIMITS) as archive:
                if _shared_strings(archive, stop_after=MAX_SHARED_STRINGS) > MAX_SHARED_STRINGS:
                    raise ImportFileError(
                        _("This spreadsheet holds more than %(count)s different texts.")
                        % {"count": _number(MAX_SHARED_STRINGS)}
                        + " "
                        + _("At most %(max)s rows can be imported at once. Split the file.")
                        % {"max": _number(MAX_ROWS)}
                    )
            # data_only=False: a formula cell gives its formula as text ("=HYPERLINK(...)"), never a value
            # computed by anyone; read-only streams the sheet instead of building it in memory.
            self.workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            self.sheet = self.workbook.worksheets[0]
        except ImportFileError:
            raise
        except UnsafeFile as exc:
            raise ImportFileError(exc.message) from exc
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error on a damaged file
            if _caused_by(exc, DefusedXmlException):
                raise ImportFileError(_unsafe_xml_message()) from exc
            raise ImportFileError(
                _("This file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx or CSV.")
            ) from exc
        # The sheet's declared size (<dimension ref="A1:XFD1048576"/>) is not to be trusted.
        self.sheet.reset_dimensions()

    def rows(self, *, width: int, start: int = 1) -> Iterator[tuple[int, tuple]]:
        from defusedxml import DefusedXmlException

        number = start - 1
        try:
            for number, cells in enumerate(  # noqa: B007 - the last number tells where it stopped
                self.sheet.iter_rows(min_row=start, max_col=width, values_only=True), start=start
            ):
                if number > MAX_SHEET_ROWS:
                    raise _too_many_rows()
                yield number, cells
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a sheet can be damaged past the zip directory too
            if _caused_by(exc, DefusedXmlException):
                raise ImportFileError(_unsafe_xml_message()) from exc
            raise ImportFileError(
                _("This Excel workbook is damaged and could not be read (near row %(row)s).") % {"row": number + 1}
            ) from exc

    def close(self) -> None:
        self.workbook.close()


# A shared string (<si>, with or without a namespace prefix); no other part of a workbook has such a tag.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s>/]")


def _shared_strings(archive: zipfile.ZipFile, *, stop_after: int) -> int:
    """How many shared strings the workbook holds (counting stops past `stop_after`), in a stream over every
    part, whatever it is called: openpyxl reads the whole table into memory before the first row."""
    count = 0
    for info in archive.infolist():
        with archive.open(info) as handle:
            text = b""
            while chunk := handle.read(MIB):
                text += chunk
                # A tag may be cut at the chunk's end: the last bytes are searched again with the next chunk.
                edge = len(text) - 64
                count += sum(1 for match in _SHARED_STRING.finditer(text) if match.start() < edge)
                text = text[max(edge, 0) :]
                if count > stop_after:
                    return count
            count += len(_SHARED_STRING.findall(text))
    return count


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    """Whether `error` or an error it was raised from is a `kind` (openpyxl wraps what it meets in ValueError)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _unsafe_xml_message() -> str:
    return _("This Excel workbook contains XML entity declarations, which are not accepted. Save it again as .xlsx.")


_XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ImportFileError(_("This is not a CSV or Excel (.xlsx) file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > 2:
            break
        return text
    raise ImportFileError(_("This is not a CSV or Excel (.xlsx) file."))


def upload_refusal(data: bytes) -> str | None:
    """Why an uploaded file cannot be imported at all, from what costs next to nothing to check (in the
    request, before the file is kept): its size, emptiness, an old .xls, bytes that are no text, and an
    XLSX's zip directory. None when it is worth checking in full (`import_job_check`)."""
    if not data.strip():
        return _("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        return _("The file is larger than 5 MB. Split it into smaller files.")
    if data[:8] == _XLS_SIGNATURE:
        return _("This is an old Excel file (.xls). Save it as .xlsx or CSV and try again.")
    if data[:4] == b"PK\x03\x04":
        try:
            with open_zip(data, limits=XLSX_LIMITS) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    return _("This is not a CSV or Excel (.xlsx) file.")
        except UnsafeFile as error:
            return error.message
        except zipfile.BadZipFile:
            return _("This file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx or CSV.")
        return None
    if b"\x00" in data[:8192]:
        return _("This is not a CSV or Excel (.xlsx) file.")
    return None


def open_table(data: bytes) -> "_CsvTable | _XlsxTable":
    """The file's first sheet (an XLSX) or its rows (a CSV). The type comes from the content, not the name."""
    refusal = upload_refusal(data)
    if refusal:
        raise ImportFileError(refusal)
    return _XlsxTable(data) if data[:4] == b"PK\x03\x04" else _CsvTable(data)


def _header(table: "_CsvTable | _XlsxTable") -> tuple[int, tuple]:
    for number, cells in table.rows(width=MAX_COLUMNS):
        if not any(not _is_empty(c) for c in cells):
            continue
        from openpyxl.utils import get_column_letter

        for position, cell in enumerate(cells):
            value = read_cell(cell, unguard=table.unguard)
            if value is TOO_LONG or (isinstance(value, str) and len(value) > MAX_HEADER_CHARS):
                raise ImportFileError(
                    _("Row %(row)s, column %(column)s: a column name of more than %(max)s characters.")
                    % {"row": number, "column": get_column_letter(position + 1), "max": MAX_HEADER_CHARS}
                    + " "
                    + _("The first row must name the columns. Download the template to see them.")
                )
        return number, tuple(read_cell(cell, unguard=table.unguard) for cell in cells)
    raise ImportFileError(_("The file is empty."))


def _map_headers(header: tuple) -> tuple[dict[int, str], dict[str, str], list[str]]:
    positions: dict[int, str] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    lookup = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
    for position, cell in enumerate(header):
        if _is_empty(cell):
            continue
        field_name = lookup.get(_normalise(cell))
        if field_name is None:
            ignored.append(_text(cell))
        elif field_name in names:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” mean the same thing; keep one of them.")
                % {"first": names[field_name], "second": _text(cell)}
            )
        else:
            positions[position] = field_name
            names[field_name] = _text(cell)
    missing = [str(COLUMNS[f]) for f in REQUIRED_COLUMNS if f not in names]
    if "hours" not in names and "amount" not in names:
        missing.append(_("%(hours)s or %(amount)s") % {"hours": COLUMNS["hours"], "amount": COLUMNS["amount"]})
    if missing:
        raise ImportFileError(
            _("The first row must name the columns. Missing: %(columns)s. Download the template to see them.")
            % {"columns": ", ".join(missing)}
        )
    return positions, names, ignored


def parse_contributions_file(
    data: bytes, *, lookups: Lookups | None = None, progress: Callable[[int], None] | None = None
) -> ParsedFile:
    """Read and check the cells of an uploaded file. Raises ImportFileError when the file as a whole is unusable.

    Cell problems (a date that is no date, an unknown action line, a cell too long) are kept per row; the
    rules of the contribution itself are checked by `import_job_check`. `progress(rows read)` is called
    every PROGRESS_EVERY rows.
    """
    table = open_table(data)
    try:
        header_number, header = _header(table)
        positions, headers, ignored = _map_headers(header)
        parsed = ParsedFile(rows=[], headers=headers, ignored_columns=ignored)
        lookups = lookups or Lookups.load()
        for number, cells in table.rows(width=max(positions) + 1, start=header_number + 1):
            raw = {
                name: read_cell(cells[pos], unguard=table.unguard) if pos < len(cells) else None
                for pos, name in positions.items()
            }
            if all(_is_empty(v) for v in raw.values()):
                continue
            parsed.rows.append(_parse_row(number, raw, parsed, lookups))
            if len(parsed.rows) > MAX_ROWS:
                raise ImportFileError(
                    _("At most %(max)s rows can be imported at once. Split the file.") % {"max": _number(MAX_ROWS)}
                )
            if progress and len(parsed.rows) % PROGRESS_EVERY == 0:
                progress(len(parsed.rows))
    finally:
        table.close()
    if not parsed.rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    return parsed


def _parse_row(number: int, raw: dict, parsed: ParsedFile, lookups: Lookups) -> ImportRow:
    row = ImportRow(number=number)

    def problem(field_name: str, message: str) -> None:
        row.errors.append(RowProblem(number, parsed.column_name(field_name), message))

    for name, value in raw.items():
        if value is TOO_LONG:
            problem(
                name,
                _("This cell holds more than %(max)s characters; it was not read.") % {"max": _number(MAX_CELL_CHARS)},
            )
    raw = {name: (None if value is TOO_LONG else value) for name, value in raw.items()}
    for name in REQUIRED_COLUMNS:
        if _is_empty(raw.get(name)) and not any(p.column == parsed.column_name(name) for p in row.errors):
            problem(name, _("Fill in this cell."))
    if not _is_empty(raw.get("date")):
        try:
            row.values["date"] = parse_date(raw["date"])
        except (ValueError, OverflowError):
            problem("date", _("“%(value)s” is not a date; write 31-03-2026 or 2026-03-31.") % {"value": raw["date"]})
    if not _is_empty(raw.get("action_line")):
        line = lookups.lines.get(_normalise(raw["action_line"]))
        if line is None:
            problem(
                "action_line",
                _("Unknown action line “%(value)s”; use one of: %(lines)s.")
                % {
                    "value": _text(raw["action_line"]),
                    "lines": ", ".join(sorted({str(x) for x in lookups.lines.values()})),
                },
            )
        row.values["action_line"] = line
    if not _is_empty(raw.get("kind")):
        kind = lookups.kinds.get(_normalise(raw["kind"]))
        if kind is None:
            names = ", ".join(KIND_TEMPLATE_NAMES[template_language()].values())
            problem(
                "kind",
                _("Unknown kind “%(value)s”; use one of: %(kinds)s.") % {"value": _text(raw["kind"]), "kinds": names},
            )
        row.values["kind"] = kind
    for name in ("hours", "amount"):
        if not _is_empty(raw.get(name)):
            try:
                row.values[name] = parse_decimal(raw[name])
            except AmountRefused as refused:
                problem(name, f"“{_text(raw[name])}”: {refused.message}")
    row.values["description"] = _text(raw.get("description"))
    row.values["funder"] = _text(raw.get("funder"))
    row.values["budget_code"] = _text(raw.get("budget_code"))
    return row


# --- The import as a job: upload, check once, confirm, import --------------------------------------------


def _messages(error: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (None if name == NON_FIELD_ERRORS else FIELD_TO_COLUMN.get(name)): list(messages)
            for name, messages in error.message_dict.items()
        }
    return {None: list(error.messages)}


def _rule_problems(errors: dict[int, ValidationError], numbers: list[int], headers: dict[str, str]) -> list[RowProblem]:
    return [
        RowProblem(numbers[index], column_name(headers, field_name), message)
        for index, error in sorted(errors.items())
        for field_name, messages in _messages(error).items()
        for message in messages
    ]


def _stored(problems: list[RowProblem]) -> list[list]:
    return [[p.row, p.column, p.message] for p in problems]


def _row_to_json(number: int, values: dict) -> dict:
    line = values.get("action_line")
    return {
        "number": number,
        "date": values["date"].isoformat(),
        "action_line": line.pk,
        "kind": values["kind"],
        "hours": None if values.get("hours") is None else str(values["hours"]),
        "amount": None if values.get("amount") is None else str(values["amount"]),
        "description": values["description"],
        "funder": values["funder"],
        "budget_code": values["budget_code"],
    }


def _rows_from_json(rows: list[dict]) -> tuple[list[int], list[dict]]:
    lines = ActionLine.objects.in_bulk({row["action_line"] for row in rows})
    numbers, values = [], []
    for row in rows:
        numbers.append(row["number"])
        values.append(
            {
                "date": date.fromisoformat(row["date"]),
                "action_line": lines[row["action_line"]],
                "kind": row["kind"],
                "hours": None if row["hours"] is None else Decimal(row["hours"]),
                "amount": None if row["amount"] is None else Decimal(row["amount"]),
                "description": row["description"],
                "funder": row["funder"],
                "budget_code": row["budget_code"],
            }
        )
    return numbers, values


def _totals_to_json(totals: Totals) -> list[list]:
    return [
        [key[0], figures.count, str(figures.hours), str(figures.in_kind_value), str(figures.funded)]
        for key, figures in totals.rows.items()
    ]


def job_result(job: ImportJob) -> ImportResult:
    """What the check of `job` found, as the preview page shows it (read from the job, nothing re-done)."""
    totals = Totals(by=("action_line",))
    for line_id, count, hours, in_kind, funded in job.totals or []:
        figures = Figures(hours=Decimal(hours), in_kind_value=Decimal(in_kind), funded=Decimal(funded), count=count)
        totals.rows[(line_id,)] = figures
        totals.total.add(figures)
    problems = job.problems or {}
    return ImportResult(
        row_count=job.row_count,
        errors=[RowProblem(*p) for p in problems.get("errors", [])],
        warnings=[RowProblem(*p) for p in problems.get("warnings", [])],
        totals=totals,
        imported=job.status == ImportStatus.DONE,
    )


def job_progress(job: ImportJob) -> int | None:
    """How far a running job is, in percent; None when that is not known (reading the file, or queued).

    While checking, the task writes it on the job. While importing, the rows are written in one transaction,
    so the task reports through Celery's result backend instead, and this reads it there.
    """
    if job.status == ImportStatus.CHECKING:
        return job.progress or None
    if job.status != ImportStatus.IMPORTING or not job.task_id:
        return None
    from contributions.tasks import import_contributions

    try:  # through the task, so on this app's result backend (not whatever app is "current")
        info = import_contributions.AsyncResult(job.task_id).info
    except Exception:  # noqa: BLE001 - no result backend (in-process tasks) or it is unreachable: unknown
        return None
    if isinstance(info, dict) and info.get("total"):
        return min(99, int(info.get("done", 0)) * 100 // int(info["total"]))
    return None


@transaction.atomic
def import_job_create(*, partner: Partner, acting_user, upload: UploadedFile) -> ImportJob:
    """Keep an uploaded file for checking and queue the check (on commit). Raises ValidationError on "file"
    for a file refused by `upload_refusal` (nothing is kept then)."""
    from contributions.tasks import check_import

    if not acts_for(acting_user, partner):
        raise PermissionDenied
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB. Split it into smaller files.")})
    upload.seek(0)
    refusal = upload_refusal(upload.read(MAX_FILE_BYTES + 1))
    if refusal:
        raise ValidationError({"file": refusal})
    upload.seek(0)
    job = ImportJob(
        partner=partner,
        created_by=acting_user,
        file_name=clean_file_name(upload.name, default="import", max_length=200),
        language=template_language(),
    )
    job.file.save("import.upload", upload, save=False)
    try:
        job.full_clean()
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    transaction.on_commit(lambda: check_import.delay(job.pk))
    return job


def _set_progress(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def import_job_check(*, job_id: int) -> ImportJob | None:
    """Read and check the job's file once (the work of the `check_import` task) and keep the result on the job.

    Claims the job by a conditional update (queued → checking): a second run does nothing. Every row is
    checked by the contribution rules (`services.contributions_check`), nothing is saved but the job; the
    uploaded file is deleted afterwards. A file that cannot be used at all ends the job as failed.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("partner", "created_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            with job.file.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            parsed = parse_contributions_file(data, progress=lambda n: _set_progress(job_id, row_count=n))
        except ImportFileError as error:
            return _finish_check(job, status=ImportStatus.FAILED, error=error.message)
        except FileNotFoundError:
            return _finish_check(
                job, status=ImportStatus.FAILED, error=_("The uploaded file is gone; upload it again.")
            )
        _set_progress(job_id, row_count=len(parsed.rows))
        _check_rows(job, parsed)
    return _finish_check(job, status=ImportStatus.READY)


def _check_rows(job: ImportJob, parsed: ParsedFile) -> None:
    readable = [row for row in parsed.rows if not row.errors]
    contributions, errors = contributions_check(
        partner=job.partner,
        acting_user=job.created_by,
        rows=[row.values for row in readable],
        progress=lambda done, total: _set_progress(job.pk, progress=min(99, done * 100 // total)),
    )
    problems = [problem for row in parsed.rows for problem in row.errors]
    problems += _rule_problems(errors, [row.number for row in readable], parsed.headers)
    problems.sort(key=lambda p: p.row)
    valid = [c for index, c in enumerate(contributions) if index not in errors]
    existing = duplicate_keys(partner=job.partner, dates={c.date for c in valid})
    warnings = []
    for index, contribution in enumerate(contributions):
        key = duplicate_key(contribution)
        if index not in errors and key in existing:
            warnings.append(
                RowProblem(
                    readable[index].number,
                    "",
                    _("Looks like a duplicate: a contribution with the same date, action line and value exists."),
                )
            )
        existing.add(key)
    job.row_count = len(parsed.rows)
    job.headers, job.ignored_columns = parsed.headers, parsed.ignored_columns
    job.problems = {"errors": _stored(problems), "warnings": _stored(warnings)}
    job.error_count = len(problems)
    job.totals = _totals_to_json(unsaved_totals(valid, by=("action_line",)))
    job.rows = [] if problems else [_row_to_json(row.number, row.values) for row in readable]


def _finish_check(job: ImportJob, *, status: str, error: str = "") -> ImportJob:
    name = job.file.name
    job.status, job.error, job.progress, job.finished_at = status, error, 100, timezone.now()
    job.file = ""
    job.save()
    if name:
        job.file.storage.delete(name)
    return job


def import_job_failed(*, job_id: int, timed_out: bool = False) -> None:
    """After a task stopped on an error or its time limit: the job shows why, nothing was imported."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    with translation.override(job.language):
        message = (
            _("This took too long and was stopped. Nothing has been imported; split the file and try again.")
            if timed_out
            else _("Something went wrong while handling this file. Nothing has been imported; try again.")
        )
    running = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING)
    ImportJob.objects.filter(pk=job_id, status__in=running).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
    )
    if job.file:
        job.file.storage.delete(job.file.name)
        ImportJob.objects.filter(pk=job_id).update(file="")


@transaction.atomic
def import_job_confirm(*, job: ImportJob, acting_user) -> ImportJob:
    """Queue the import of a checked job without errors (on commit); confirming twice queues it once.

    Claims the job by a conditional update (ready → importing). Raises ValidationError when the job cannot
    be imported (it has errors, or it is not checked yet).
    """
    from contributions.tasks import import_contributions

    if job.created_by_id != acting_user.pk or not acts_for(acting_user, job.partner):
        raise PermissionDenied
    task_id = uuid.uuid4().hex
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY, error_count=0, row_count__gt=0).update(
        status=ImportStatus.IMPORTING, progress=0, task_id=task_id, started_at=timezone.now()
    )
    job.refresh_from_db()
    if claimed:
        transaction.on_commit(lambda: import_contributions.apply_async((job.pk,), task_id=task_id))
    elif job.status not in (ImportStatus.IMPORTING, ImportStatus.DONE):
        raise ValidationError(_("This file cannot be imported: correct it and upload it again."))
    return job


def contributions_import(*, job_id: int, progress: Callable[[int, int], None] | None = None) -> ImportJob | None:
    """Import the kept rows of a confirmed job, all or nothing (the work of the `import_contributions` task).

    In one transaction: the job is locked (a second run waits, then finds it done and does nothing), every
    row is checked again and written by `services.contributions_bulk_create`, the job becomes done and the
    import is audited. When a row no longer passes (a period closed meanwhile), nothing is imported and
    the job shows the problems again.
    """
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .select_related("partner", "created_by")
            .filter(pk=job_id, status=ImportStatus.IMPORTING)
            .first()
        )
        if job is None:
            return None
        numbers, rows = _rows_from_json(job.rows)
        with translation.override(job.language):
            try:
                with transaction.atomic():
                    created = contributions_bulk_create(
                        partner=job.partner, acting_user=job.created_by, rows=rows, progress=progress
                    )
            except RowsInvalid as invalid:
                problems = _rule_problems(invalid.errors, numbers, job.headers)
                job.problems = {**job.problems, "errors": _stored(problems)}
                job.error_count, job.status, job.rows = len(problems), ImportStatus.READY, []
                job.save()
                return job
            except PermissionDenied:
                job.status = ImportStatus.FAILED
                job.error = _("You no longer act for %(partner)s; nothing has been imported.") % {
                    "partner": job.partner
                }
                job.save()
                return job
        job.status, job.progress, job.imported_count = ImportStatus.DONE, 100, len(created)
        job.rows, job.finished_at = [], timezone.now()
        job.save()
        audit_record(
            actor=job.created_by,
            action=Action.IMPORTED,
            target=job.partner,
            details={"rows": len(created), "file": job.file_name},
        )
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob, acting_user) -> None:
    """Forget a job that is not being imported (and its file, on commit)."""
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == ImportStatus.IMPORTING and locked.is_running:
        raise ValidationError(_("This file is being imported; it can no longer be cancelled."))
    name = locked.file.name
    locked.delete()
    if name:
        storage = locked.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def import_jobs_delete_old(*, now: datetime | None = None) -> int:
    """Delete the jobs started more than JOB_MAX_AGE ago (abandoned previews, finished imports) with their
    files, and any file under imports/ of that age that no job points to. Returns the jobs deleted."""
    cutoff = (now or timezone.now()) - JOB_MAX_AGE
    old = ImportJob.objects.filter(created_at__lt=cutoff)
    storage = ImportJob._meta.get_field("file").storage
    names = [name for name in old.values_list("file", flat=True) if name]
    deleted, _by_model = old.delete()
    for name in names:
        storage.delete(name)
    kept = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    try:
        stored = list(stored_names("imports"))  # S3 has no folders: listed, not asked whether "imports" exists
    except FileNotFoundError:
        stored = []
    for name in stored:
        if name not in kept and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
    return deleted
