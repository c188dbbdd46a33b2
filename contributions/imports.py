"""Importing contributions from a CSV or XLSX file, all or nothing.

`parse_contributions_file` reads the file (never trusting its name), maps Dutch or English column names
and reads Dutch or English numbers and dates. `contributions_import` then puts every row through
`contribution_create` — the same rules as the form — inside ONE transaction: a dry run for the preview
(rolled back), or the real import, which is rolled back as a whole when any row is wrong.

Between preview and confirmation the uploaded file waits under MEDIA_ROOT/imports/<user id>/ with a
generated name (`upload_store` / `upload_read` / `upload_discard`).
"""

import csv
import io
import re
import time
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from actionlines.models import ActionLine
from audit.models import Action
from audit.services import audit_record
from contributions.models import CENT, Contribution, Kind
from contributions.selectors import Figures, Totals, contribution_totals
from contributions.services import contribution_create, likely_duplicates
from lifeport.lib.money import format_number
from lifeport.lib.spreadsheet import csv_unguard
from partners.models import Partner
from partners.permissions import acts_for

MAX_FILE_BYTES = 5 * 1024 * 1024
# Every row goes through contribution_create (about 18 queries): 1,000 rows take a few seconds, well inside a request.
MAX_ROWS = 1000
# An XLSX is a zip: refuse one that unpacks to far more than any real contributions sheet.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60

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
        if field_name is None:
            return ""
        return self.headers.get(field_name) or str(COLUMNS[field_name])


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

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


def _normalise(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text.lower()).replace("_", " ").replace("€", " ")
    return " ".join(text.split())


_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_DUTCH_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def parse_decimal(raw: object) -> Decimal:
    """A number from a cell: 12,5 and 1.234,56 (Dutch), 1,234.56 and 12.5 (English), or a spreadsheet number.

    A single comma is a decimal comma; a point followed by groups of three digits only (1.500) is a
    Dutch thousands separator. Raises ValueError when the text is not a number.
    """
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        number = Decimal(repr(raw))
        # Spreadsheet arithmetic leaves 0.1 + 0.2 = 0.30000000000000004: round such noise to cents.
        return number.quantize(CENT) if abs(number - number.quantize(CENT)) < Decimal("1e-9") else number
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    text = re.sub(r"^(eur|euro)", "", text, flags=re.IGNORECASE)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", "") if text.count(",") > 1 else text.replace(",", ".")
    elif text.count(".") > 1 or _DUTCH_THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    if not _DECIMAL.fullmatch(text):
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(raw) from exc


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


# --- Reading the file ---------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                raise ImportFileError(_("This spreadsheet is too large to import. Split it into smaller files."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error on a damaged file
        raise ImportFileError(
            _("This file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx or CSV.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows, filled = [], 0
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)  # blank rows too: the row numbers in messages must be the spreadsheet's
            filled += any(not _is_empty(cell) for cell in row)
            if filled > MAX_ROWS + 1:  # the header and one row too many: enough to refuse the file
                break
            if len(rows) > 50 * MAX_ROWS:
                raise ImportFileError(_("This spreadsheet is too large to import. Split it into smaller files."))
        return rows
    except Exception as exc:  # noqa: BLE001 - a sheet can be damaged past the zip directory too
        raise ImportFileError(_("This Excel workbook is damaged and could not be read.")) from exc
    finally:
        workbook.close()


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


def _read_csv(data: bytes) -> list[tuple]:
    text = _decode(data)
    first_line = text.lstrip().split("\n", 1)[0]
    # Dutch Excel writes CSV with semicolons; others use commas or tabs.
    delimiter = max(";,\t", key=first_line.count)
    try:
        # csv_unguard: a cell our export quoted against formulas ('=1+1) reads back as it was written (=1+1).
        return [tuple(map(csv_unguard, row)) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("This CSV file could not be read: %(error)s") % {"error": exc}) from exc


def read_table(data: bytes) -> list[tuple]:
    """The cells of the file's first sheet, row by row. The type comes from the content, not the name."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB. Split it into smaller files."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or CSV and try again."))
    return _read_csv(data)


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


def parse_contributions_file(data: bytes) -> ParsedFile:
    """Read and check the cells of an uploaded file. Raises ImportFileError when the file as a whole is unusable.

    Cell problems (a date that is no date, an unknown action line) are kept per row; the rules of the
    contribution itself are checked by `contributions_import`.
    """
    table = read_table(data)
    start = next((i for i, row in enumerate(table) if any(not _is_empty(c) for c in row)), None)
    if start is None:
        raise ImportFileError(_("The file is empty."))
    positions, headers, ignored = _map_headers(table[start])
    parsed = ParsedFile(rows=[], headers=headers, ignored_columns=ignored)
    kinds, lines = _kind_lookup(), _action_line_lookup()
    for index, cells in enumerate(table[start + 1 :], start=start + 2):
        raw = {name: cells[pos] if pos < len(cells) else None for pos, name in positions.items()}
        if all(_is_empty(v) for v in raw.values()):
            continue
        parsed.rows.append(_parse_row(index, raw, parsed, kinds, lines))
        if len(parsed.rows) > MAX_ROWS:
            limit = format_number(MAX_ROWS, template_language())
            raise ImportFileError(_("At most %(max)s rows can be imported at once. Split the file.") % {"max": limit})
    if not parsed.rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    return parsed


def _parse_row(number: int, raw: dict, parsed: ParsedFile, kinds: dict, lines: dict) -> ImportRow:
    row = ImportRow(number=number)

    def problem(field_name: str, message: str) -> None:
        row.errors.append(RowProblem(number, parsed.column_name(field_name), message))

    for name in REQUIRED_COLUMNS:
        if _is_empty(raw.get(name)):
            problem(name, _("Fill in this cell."))
    if not _is_empty(raw.get("date")):
        try:
            row.values["date"] = parse_date(raw["date"])
        except ValueError:
            problem("date", _("“%(value)s” is not a date; write 31-03-2026 or 2026-03-31.") % {"value": raw["date"]})
    if not _is_empty(raw.get("action_line")):
        line = lines.get(_normalise(raw["action_line"]))
        if line is None:
            problem(
                "action_line",
                _("Unknown action line “%(value)s”; use one of: %(lines)s.")
                % {"value": _text(raw["action_line"]), "lines": ", ".join(sorted({str(x) for x in lines.values()}))},
            )
        row.values["action_line"] = line
    if not _is_empty(raw.get("kind")):
        kind = kinds.get(_normalise(raw["kind"]))
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
            except ValueError:
                problem(
                    name, _("“%(value)s” is not a number; write for example 1234,56.") % {"value": _text(raw[name])}
                )
    row.values["description"] = _text(raw.get("description"))
    row.values["funder"] = _text(raw.get("funder"))
    row.values["budget_code"] = _text(raw.get("budget_code"))
    return row


# --- Importing ----------------------------------------------------------------------------------


class _Rollback(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def _messages(error: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (None if name == NON_FIELD_ERRORS else FIELD_TO_COLUMN.get(name)): list(messages)
            for name, messages in error.message_dict.items()
        }
    return {None: list(error.messages)}


def _create_rows(*, partner: Partner, acting_user, parsed: ParsedFile) -> ImportResult:
    errors: list[RowProblem] = []
    warnings: list[RowProblem] = []
    created_ids: list[int] = []
    for row in parsed.rows:
        if row.errors:
            errors.extend(row.errors)
            continue
        try:
            contribution = contribution_create(partner=partner, acting_user=acting_user, **row.values)
        except ValidationError as exc:
            for field_name, messages in _messages(exc).items():
                errors.extend(RowProblem(row.number, parsed.column_name(field_name), m) for m in messages)
            continue
        created_ids.append(contribution.pk)
        if likely_duplicates(contribution).exists():
            warnings.append(
                RowProblem(
                    row.number,
                    "",
                    _("Looks like a duplicate: a contribution with the same date, action line and value exists."),
                )
            )
    totals = contribution_totals(queryset=Contribution.objects.filter(pk__in=created_ids), by=("action_line", "kind"))
    return ImportResult(row_count=len(parsed.rows), errors=errors, warnings=warnings, totals=totals)


def contributions_import(*, partner: Partner, acting_user, parsed: ParsedFile, commit: bool) -> ImportResult:
    """Put every row through `contribution_create` in one transaction; all rows become drafts, or none.

    With commit=False (the preview) the transaction is always rolled back. With commit=True it is
    rolled back when any row has an error, and `result.imported` tells whether the rows were saved.
    """
    if not acts_for(acting_user, partner):
        raise PermissionDenied
    try:
        with transaction.atomic():
            result = _create_rows(partner=partner, acting_user=acting_user, parsed=parsed)
            if not commit or result.errors:
                raise _Rollback(result)
            result.imported = True
            audit_record(actor=acting_user, action=Action.IMPORTED, target=partner, details={"rows": result.row_count})
    except _Rollback as rollback:
        result = rollback.result
    return result


# --- Keeping the file between preview and confirmation ------------------------------------------

_TOKEN = re.compile(r"[0-9a-f]{32}")


def _upload_dir(user) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(int(user.pk))


def upload_store(*, data: bytes, user) -> str:
    """Keep an uploaded file for `user` under a generated name; returns the token naming it.

    Removes this user's uploads older than a day (abandoned previews).
    """
    directory = _upload_dir(user)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.upload"):
        if old.stat().st_mtime < time.time() - UPLOAD_MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    (directory / f"{token}.upload").write_bytes(data)
    return token


def upload_read(*, token: str, user) -> bytes | None:
    """The file `user` uploaded under `token`, or None when it is gone (or the token is not theirs)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _upload_dir(user) / f"{token}.upload"
    return path.read_bytes() if path.is_file() else None


def upload_discard(*, token: str, user) -> None:
    if _TOKEN.fullmatch(token or ""):
        (_upload_dir(user) / f"{token}.upload").unlink(missing_ok=True)
