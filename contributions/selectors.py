"""Contribution totals: the one place these numbers are computed, for pages, reports and exports alike.

One grouped query, whatever the number of contributions.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.formats import date_format
from django.utils.translation import get_language

from actionlines.models import ActionLine
from contributions.models import IN_KIND, Contribution, ContributionSummary, Evidence, Kind, ReportingPeriod, Status
from lifeport.lib.money import format_euro, format_number
from partners.models import Partner

ZERO = Decimal("0")
GROUPINGS = {"partner", "action_line", "period", "status", "kind", "activity", "month"}
_FOREIGN_KEYS = {"partner", "action_line", "period", "activity"}


@dataclass
class Figures:
    """In-kind hours, in-kind value and funded money, with the number of items."""

    hours: Decimal = ZERO
    in_kind_value: Decimal = ZERO
    funded: Decimal = ZERO
    count: int = 0

    @property
    def total_value(self) -> Decimal:
        return self.in_kind_value + self.funded

    def add(self, other: "Figures") -> None:
        self.hours += other.hours
        self.in_kind_value += other.in_kind_value
        self.funded += other.funded
        self.count += other.count


@dataclass
class Totals:
    """Figures per group key (a tuple in the order of `by`), plus the grand total."""

    by: tuple[str, ...]
    rows: dict[tuple, Figures] = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)

    def get(self, *key) -> Figures:
        return self.rows.get(tuple(key), Figures())

    def rollup(self, *dimensions: str) -> dict[tuple, Figures]:
        """Re-group the rows by a subset of `by` (e.g. per partner from per partner × status)."""
        positions = [self.by.index(d) for d in dimensions]
        result: dict[tuple, Figures] = defaultdict(Figures)
        for key, figures in self.rows.items():
            result[tuple(key[p] for p in positions)].add(figures)
        return dict(result)


def _sum(expression: str, condition: Q) -> Coalesce:
    return Coalesce(
        Sum(expression, filter=condition), Value(ZERO), output_field=DecimalField(max_digits=16, decimal_places=2)
    )


def _keys(by: tuple[str, ...]) -> list[str]:
    unknown = set(by) - GROUPINGS
    if unknown:
        raise ValueError(f"cannot group by {unknown}")
    return [f"{d}_id" if d in _FOREIGN_KEYS else d for d in by]


def _key_value(value):
    # TruncMonth may come back as a datetime on some backends; the summary's month is a date.
    return value.date() if isinstance(value, datetime) else value


def contribution_totals(
    *,
    queryset: QuerySet[Contribution] | None = None,
    by: tuple[str, ...] = ("partner", "action_line", "period", "status"),
    statuses: tuple[str, ...] | None = None,
) -> Totals:
    """Totals of `queryset` (all contributions by default) grouped by `by` (ids as keys; "month" is the first
    day of the contribution's month, as a date).

    `statuses` limits what counts, e.g. (Status.APPROVED,) for reports. This sums the contribution table, so
    it costs more as contributions grow: pages read `summary_totals` instead.
    """
    keys = _keys(by)
    qs = Contribution.objects.all() if queryset is None else queryset
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    if "month" in by:
        qs = qs.annotate(month=TruncMonth("date"))
    totals = Totals(by=tuple(by))
    for key, figures in _grouped_figures(qs, keys, items=Count("id")):
        totals.rows[tuple(_key_value(k) for k in key)] = figures
        totals.total.add(figures)
    return totals


def unsaved_totals(contributions: Iterable[Contribution], *, by: tuple[str, ...]) -> Totals:
    """The same `Totals` as `contribution_totals` for contributions not saved (yet): an import's check.

    The same split as `_grouped_figures`: hours of staff hours, the value of in-kind kinds, the value of money.
    """
    keys = _keys(by)
    totals = Totals(by=tuple(by))
    for contribution in contributions:
        kind = contribution.kind
        figures = Figures(
            hours=(contribution.hours or ZERO) if kind == Kind.STAFF_HOURS else ZERO,
            in_kind_value=contribution.value if kind in IN_KIND else ZERO,
            funded=contribution.value if kind == Kind.MONEY else ZERO,
            count=1,
        )
        totals.rows.setdefault(tuple(getattr(contribution, k) for k in keys), Figures()).add(figures)
        totals.total.add(figures)
    return totals


def _grouped_figures(qs, keys: list[str], *, items):
    """(key tuple, Figures) per group of `keys` in `qs`: contributions (items = Count("id")) or summary rows
    (items = Sum("count")), whose hours and value columns have the same names."""
    grouped = (
        qs.order_by()
        .values(*keys)
        .annotate(
            sum_hours=_sum("hours", Q(kind=Kind.STAFF_HOURS)),
            sum_in_kind=_sum("value", Q(kind__in=IN_KIND)),
            sum_funded=_sum("value", Q(kind=Kind.MONEY)),
            items=items,
        )
    )
    for row in grouped:
        figures = Figures(row["sum_hours"], row["sum_in_kind"], row["sum_funded"], row["items"])
        yield tuple(row[k] for k in keys), figures


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_split(
    date_from: date | None, date_to: date | None
) -> tuple[tuple[date | None, date | None] | None, list[tuple[date, date]]]:
    """Split the inclusive range `date_from`..`date_to` (None: open) into the whole months it covers, as
    (first month, last month) by their first days (None when it covers no whole month; an open end stays
    None), and the days of the months it covers only in part, as at most two (from, to) ranges."""
    if date_from is not None and date_to is not None and date_from > date_to:
        return None, []
    first = date_from
    if date_from is not None and date_from.day != 1:
        first = _month_end(date_from) + timedelta(days=1)
    last = None if date_to is None else date_to.replace(day=1)
    if date_to is not None and date_to != _month_end(date_to):
        last = (last - timedelta(days=1)).replace(day=1)
    if first is not None and last is not None and first > last:
        return None, [(date_from, date_to)]
    partial = []
    if date_from is not None and date_from < first:
        partial.append((date_from, first - timedelta(days=1)))
    if date_to is not None and date_to > _month_end(last):
        partial.append((_month_end(last) + timedelta(days=1), date_to))
    return (first, last), partial


def summary_totals(
    *,
    by: tuple[str, ...] = ("partner", "action_line", "period", "status"),
    condition: Q | None = None,
    statuses: tuple[str, ...] | None = None,
    partner: Partner | int | None = None,
    period: ReportingPeriod | int | None = None,
    action_line: ActionLine | int | None = None,
    kind: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Totals:
    """The same `Totals` as `contribution_totals(queryset=contributions_filtered(...))` with these filters,
    read from ContributionSummary (kept current by triggers): its cost does not grow with the contributions.

    `by` may hold any of GROUPINGS, "month" and "activity" included. `condition` is the reader's visibility
    as a Q on `partner_id` and `status` (`permissions.visibility_condition(user)`); the filters are those of
    `contributions_filtered`. `date_from` and `date_to` (inclusive, None: open) limit the contributions'
    dates. The summary holds whole months: the whole months of the range are read from it (one query), and
    only when the range starts or ends inside a month are the days of those part-months summed from the
    contribution table (one more grouped query, over those days only) and added. So the figures are exact for
    any range, and a range of whole months (a quarter, a year) costs one summary read whatever the data.
    """
    keys = _keys(by)
    whole, partial = month_split(date_from, date_to)
    totals = Totals(by=tuple(by))
    filters = {"partner": partner, "period": period, "action_line": action_line, "kind": kind, "status": status}
    filters = {name: value for name, value in filters.items() if value not in (None, "")}
    if whole is not None:
        qs = ContributionSummary.objects.filter(count__gt=0, **filters)
        if condition is not None:
            qs = qs.filter(condition)
        if statuses is not None:
            qs = qs.filter(status__in=statuses)
        if whole[0] is not None:
            qs = qs.filter(month__gte=whole[0])
        if whole[1] is not None:
            qs = qs.filter(month__lte=whole[1])
        for key, figures in _grouped_figures(qs, keys, items=Sum("count")):
            totals.rows[key] = figures
            totals.total.add(figures)
    if partial:
        days = Q()
        for start, end in partial:
            days |= Q(date__gte=start, date__lte=end)
        qs = Contribution.objects.filter(days, **filters)
        if condition is not None:
            qs = qs.filter(condition)
        for key, figures in contribution_totals(queryset=qs, by=by, statuses=statuses).rows.items():
            totals.rows.setdefault(key, Figures()).add(figures)
            totals.total.add(figures)
    return totals


SUMMARY_KEY = ("partner", "action_line", "period", "month", "activity", "kind", "status")


def summary_differences() -> list[tuple[tuple, Figures, Figures]]:
    """Where ContributionSummary differs from a full recount of the contributions, as (key in the order of
    SUMMARY_KEY, the summary's figures, the recount's figures); empty when they agree. Sums the whole
    contribution table: for the check command and tests, not for pages."""
    summary = summary_totals(by=SUMMARY_KEY)
    recount = contribution_totals(by=SUMMARY_KEY)
    keys = sorted(set(summary.rows) | set(recount.rows), key=str)
    return [(key, summary.get(*key), recount.get(*key)) for key in keys if summary.get(*key) != recount.get(*key)]


def submitted_count() -> int:
    """How many contributions await review (the menu's badge), from the summary."""
    return ContributionSummary.objects.filter(status=Status.SUBMITTED).aggregate(n=Sum("count"))["n"] or 0


def status_labels() -> dict[str, str]:
    return {s.value: str(s.label) for s in Status}


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
        value = key_type.fromisoformat(raw_value)
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
    labels = {f: str(Contribution._meta.get_field(f).verbose_name) for f in HISTORY_FIELDS}
    attnames = {f: Contribution._meta.get_field(f).attname for f in HISTORY_FIELDS}
    entries = []
    previous = None
    for record in records:
        changes = []
        for name in HISTORY_FIELDS:
            new = getattr(record, attnames[name])
            old = getattr(previous, attnames[name]) if previous is not None else None
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
