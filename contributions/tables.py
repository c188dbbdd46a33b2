"""The rows of the contribution tables (list, period and review queue), ready to print.

Pages show fifty rows at a time, and Django's template language spends most of a page's time on
per-cell filters, method calls and includes. So the rows are read as plain values (no model instances,
no joins beyond the names shown) and formatted here once per page: labels, the detail link, dates and
money. The templates then only print strings. The formatting is the same as the `euro`, `number` and
`date` filters give elsewhere.
"""

from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.text import Truncator
from django.utils.translation import get_language

from contributions.models import Kind, Status, period_label
from lifeport.lib.money import format_euro, format_number

ROW_FIELDS = (
    "id",
    "date",
    "submitted_at",
    "kind",
    "description",
    "hours",
    "value",
    "status",
    "evidence_count",
    "partner__short_name",
    "period__name",
    "action_line__name_nl",
    "action_line__name_en",
)
DESCRIPTION_LENGTH = 80
_DATE_PARTS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
}


def _date_formatter(django_format: str):
    """A function giving what `dateformat.format(value, django_format)` gives, fifty times a page.

    Formats of only d, j, m, n, Y, H, i and punctuation ("j-n-Y", "j-n-Y H:i", "m/d/Y") become one
    `str.format` call; any other format is left to Django.
    """
    parts = []
    for char in django_format:
        if char in _DATE_PARTS:
            parts.append(_DATE_PARTS[char])
        elif char.isalpha() or char == "\\":
            return lambda value: dateformat.format(value, django_format)
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts).format


def _truncate(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """As the `truncatechars` filter: at most `length` characters, the last one "…" when cut."""
    return text if len(text) <= length else Truncator(text).chars(length)


def table_values(queryset):
    """The queryset (with `evidence_count`, see selectors.with_evidence_count) as dicts of ROW_FIELDS."""
    return queryset.values(*ROW_FIELDS)


def table_rows(rows: list[dict]) -> list[dict]:
    """Display strings for each row of `table_values` (in the active language)."""
    language = get_language() or "nl"
    english = language.startswith("en")
    kinds = {kind.value: str(kind.label) for kind in Kind}
    statuses = {status.value: str(status.label) for status in Status}
    format_date = _date_formatter(formats.get_format("SHORT_DATE_FORMAT"))
    format_datetime = _date_formatter(formats.get_format("SHORT_DATETIME_FORMAT"))
    detail = reverse("contributions:detail", args=[0]).removesuffix("0/")
    shown = []
    for row in rows:
        submitted_at = row["submitted_at"]
        shown.append(
            {
                "url": f"{detail}{row['id']}/",
                "date": format_date(row["date"]),
                "submitted_at": (format_datetime(timezone.localtime(submitted_at)) if submitted_at else ""),
                "partner": row["partner__short_name"],
                "period": period_label(row["period__name"]),
                "action_line": row["action_line__name_en"] if english else row["action_line__name_nl"],
                "kind": kinds.get(row["kind"], row["kind"]),
                "description": _truncate(row["description"]),
                "hours": "–" if row["hours"] is None else format_number(row["hours"], language, 2),
                "value": format_euro(row["value"], language),
                "status": row["status"],
                "status_label": statuses.get(row["status"], row["status"]),
                "files": row["evidence_count"],
            }
        )
    return shown
