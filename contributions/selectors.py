"""Reading contributions: the list and its totals, the review queue, keyset pages and the history.

Every sum comes from contributions.figures.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import get_language

from actionlines.models import ActionLine
from contributions import figures
from contributions.models import Contribution, Evidence, Kind, ReportingPeriod, Status
from contributions.permissions import contributions_visible_to, visibility_condition
from lifeport.lib.money import format_euro, format_number
from partners.models import Partner

# --- Lists: the filters of the list page (also used by the export) and keyset pagination ---------------


def contributions_filtered(
    *,
    queryset: QuerySet[Contribution],
    partner: Partner | int | None = None,
    period: ReportingPeriod | int | None = None,
    action_line: ActionLine | int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[Contribution]:
    """`queryset` (e.g. `contributions_visible_to(user)`) narrowed by the list page's filters.

    The list page, its totals and the CSV/XLSX export all call this with the same parameters, so they
    show the same rows. `ContributionFilterForm.filters()` returns exactly these keyword arguments.
    Rows come with partner, action line and period (no query per row), newest first.
    """
    qs = queryset
    if partner is not None:
        qs = qs.filter(partner=partner)
    if period is not None:
        qs = qs.filter(period=period)
    if action_line is not None:
        qs = qs.filter(action_line=action_line)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("partner", "action_line", "period").order_by("-date", "-id")


@dataclass
class ContributionList:
    """The rows of the contribution list (unevaluated, newest first) and their totals per status."""

    rows: QuerySet[Contribution]
    totals: figures.Totals


def contribution_list(
    *,
    user,
    partner: Partner | int | None = None,
    period: ReportingPeriod | int | None = None,
    action_line: ActionLine | int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> ContributionList:
    """What `user` sees in the contribution list with these filters: the rows and their totals per status.

    The list page and its CSV/XLSX download both call this, so they show the same rows and the same totals:
    the rows through `contributions_visible_to(user)`, the totals through `figures.totals` with the same
    visibility condition and filters."""
    filters = {"partner": partner, "period": period, "action_line": action_line, "kind": kind, "status": status}
    rows = contributions_filtered(queryset=contributions_visible_to(user), **filters)  # type: ignore[arg-type]
    totals = figures.totals(by=("status",), condition=visibility_condition(user), **filters)  # type: ignore[arg-type]
    return ContributionList(rows=rows, totals=totals)


def with_evidence_count(queryset: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Annotate `evidence_count` with a correlated subquery (evaluated only for the rows of the page)."""
    files = (
        Evidence.objects.filter(contribution=OuterRef("pk"))
        .order_by()
        .values("contribution")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(evidence_count=Coalesce(Subquery(files, output_field=IntegerField()), Value(0)))


def review_queue(
    *,
    partner: Partner | int | None = None,
    period: ReportingPeriod | int | None = None,
    action_line: ActionLine | int | None = None,
) -> QuerySet[Contribution]:
    """Submitted contributions across partners, oldest submission first (the director's queue)."""
    qs = contributions_filtered(
        queryset=Contribution.objects.submitted(), partner=partner, period=period, action_line=action_line
    )
    return with_evidence_count(qs).order_by("submitted_at", "id")


@dataclass
class KeysetPage:
    """One page of rows with opaque cursors for the next and previous pages (None: there is none)."""

    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _cursor(row, key: str) -> str:
    """The cursor "value~id" of a model instance or of a `.values()` dict (which must hold `key` and "id")."""
    value, pk = (row[key], row["id"]) if isinstance(row, dict) else (getattr(row, key), row.pk)
    return f"{value.isoformat()}~{pk}"


def _parse_cursor(cursor: str | None, key_type: type) -> tuple | None:
    """(key value, id) from "value~id"; None for anything malformed (then the first page is shown)."""
    if not cursor or "~" not in cursor:
        return None
    raw_value, _sep, raw_id = cursor.rpartition("~")
    try:
        value = key_type.fromisoformat(raw_value)  # type: ignore[attr-defined]
        pk = int(raw_id)
    except ValueError:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        return None
    return value, pk


def _beyond(key: str, direction: str, value, pk: int) -> Q:
    """Rows after (key, id) = (value, pk) in `direction` ("lt" or "gt"), written so the index can seek.

    `key <= value AND (key < value OR id < pk)` rather than `key < value OR (key = value AND id < pk)`:
    the first term is a range on the index, so the database starts reading at the cursor instead of
    reading (and discarding) every row before it.
    """
    inclusive = f"{key}__{direction}e"
    return Q(**{inclusive: value}) & (Q(**{f"{key}__{direction}": value}) | Q(**{f"id__{direction}": pk}))


def keyset_page(
    queryset: QuerySet,
    *,
    key: str,
    key_type: type,
    descending: bool,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> KeysetPage:
    """A page of `queryset` ordered by (`key`, id), without OFFSET: deep pages cost what the first costs.

    `after` asks for the rows after a cursor (next page), `before` for the rows before one (previous).
    The index on (key, id) — with the filter columns in front — lets the database read just `size` rows.
    """
    forward = _parse_cursor(after, key_type)
    backward = None if forward else _parse_cursor(before, key_type)
    later, earlier = ("lt", "gt") if descending else ("gt", "lt")
    order = [f"-{key}", "-id"] if descending else [key, "id"]
    reverse_order = [key, "id"] if descending else [f"-{key}", "-id"]

    if backward is not None:
        value, pk = backward
        condition = _beyond(key, earlier, value, pk)
        rows = list(queryset.filter(condition).order_by(*reverse_order)[: size + 1])
        if rows:
            more = len(rows) > size
            rows = rows[:size][::-1]
            return KeysetPage(rows, _cursor(rows[-1], key), _cursor(rows[0], key) if more else None)
        forward = None  # nothing before it any more: show the first page

    qs = queryset.order_by(*order)
    if forward is not None:
        value, pk = forward
        qs = qs.filter(_beyond(key, later, value, pk))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = _cursor(rows[-1], key) if more else None
    previous_cursor = _cursor(rows[0], key) if forward is not None and rows else None
    return KeysetPage(rows, next_cursor, previous_cursor)


# --- History: what changed, from what to what, by whom and when ---------------------------------------

HISTORY_FIELDS = (
    "status",
    "action_line",
    "kind",
    "date",
    "description",
    "hours",
    "hourly_rate",
    "amount",
    "value",
    "funder",
    "budget_code",
    "review_comment",
)
_MONEY_FIELDS = {"hourly_rate", "amount", "value"}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[Change]


def _display(field: str, value, action_lines: dict[int, str]) -> str:
    if value is None or value == "":
        return "–"
    if field == "status":
        return str(Status(value).label)
    if field == "kind":
        return str(Kind(value).label)
    if field == "action_line":
        return action_lines.get(value, str(value))
    language = get_language() or "nl"
    if field in _MONEY_FIELDS:
        return format_euro(value, language)
    if field == "hours":
        return format_number(value, language, places=2)
    if field == "date":
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def contribution_history(contribution: Contribution) -> list[HistoryEntry]:
    """Every recorded version of `contribution`, oldest first, with the fields that changed (old → new).

    Two queries whatever the length of the history (the records with their users, and the line names).
    """
    records = list(contribution.history.select_related("history_user").order_by("history_date", "history_id"))
    action_lines = {line.pk: line.name for line in ActionLine.objects.all()}
    labels = {f: str(Contribution._meta.get_field(f).verbose_name) for f in HISTORY_FIELDS}  # type: ignore[union-attr]
    attnames = {f: Contribution._meta.get_field(f).attname for f in HISTORY_FIELDS}  # type: ignore[union-attr]
    entries = []
    previous = None
    for record in records:
        changes = []
        for name in HISTORY_FIELDS:
            new = getattr(record, attnames[name])
            old = getattr(previous, attnames[name]) if previous is not None else None  # type: ignore[var-annotated]
            if previous is None and new in (None, ""):
                continue
            if previous is None or old != new:
                changes.append(
                    Change(name, labels[name], _display(name, old, action_lines), _display(name, new, action_lines))
                )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "–",
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return entries
