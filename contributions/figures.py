"""The sums: every number of contributions on every page, export, PDF and XLSX is read here.

`totals()` reads ContributionSummary (a row per partner × action line × period × month × activity × status with,
per kind, the number of contributions and their value, and the staff hours), grouped as the caller asks and
limited to what the reader may see: its cost follows the number of those combinations, not the number of
contributions. `recount()` sums the contribution table itself, for the checks (`summaries_rebuild --check`,
the tests) and for the few rows an import has just written.

The summary is written only through `summary_apply()`, which the services of contributions/services.py call
inside their transaction for every contribution they create, change or delete: one upsert statement
(INSERT … ON CONFLICT … DO UPDATE SET count = count + EXCLUDED.count, …) with the differences per key, the
way Zulip's analytics counts are kept (analytics/lib/counts.py). It works on PostgreSQL and SQLite alike.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from actionlines.models import ActionLine
from contributions.models import IN_KIND, Contribution, ContributionSummary, Kind, ReportingPeriod, Status
from partners.models import Partner

ZERO = Decimal("0")
GROUPINGS = ("partner", "action_line", "period", "month", "activity", "kind", "status")
SUMMARY_KEY = GROUPINGS  # a contribution's place in the summary, in this order
_FOREIGN_KEYS = {"partner", "action_line", "period", "activity"}
KINDS = tuple(kind.value for kind in Kind)


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

    @classmethod
    def sum(cls, items: Iterable["Figures"]) -> "Figures":
        total = cls()
        for figures in items:
            total.add(figures)
        return total

    @classmethod
    def of(cls, kind: str, count: int, hours: Decimal, value: Decimal) -> "Figures":
        """The figures of `count` contributions of one kind: the one place where a kind counts as in kind or
        funded, and where hours count (those of staff hours)."""
        return cls(
            hours if kind == Kind.STAFF_HOURS else ZERO,
            value if kind in IN_KIND else ZERO,
            value if kind == Kind.MONEY else ZERO,
            count,
        )


@dataclass
class Totals:
    """Figures per group key (a tuple in the order of `by`; ids for partner, line, period and activity, the
    first day for month), plus the grand total."""

    by: tuple[str, ...]
    rows: dict[tuple, Figures] = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)

    def get(self, *key: object) -> Figures:
        return self.rows.get(tuple(key), Figures())

    def rollup(self, *dimensions: str) -> dict[tuple, Figures]:
        """Re-group the rows by a subset of `by` (e.g. per partner from per partner × status)."""
        positions = [self.by.index(d) for d in dimensions]
        result: dict[tuple, Figures] = defaultdict(Figures)
        for key, figures in self.rows.items():
            result[tuple(key[p] for p in positions)].add(figures)
        return dict(result)

    def regrouped(self, *dimensions: str) -> "Totals":
        """The same figures grouped by a subset of `by`, as Totals."""
        return Totals(by=dimensions, rows=self.rollup(*dimensions), total=self.total)

    def _add(self, key: tuple, figures: Figures) -> None:
        if figures.count:  # a group without contributions is no row (the summary keeps rows that fell to zero)
            self.rows.setdefault(key, Figures()).add(figures)
            self.total.add(figures)


# --- Reading ---------------------------------------------------------------------------------------------


def _columns(by: tuple[str, ...]) -> list[str]:
    unknown = set(by) - set(GROUPINGS)
    if unknown:
        raise ValueError(f"cannot group by {unknown}")
    return [f"{d}_id" if d in _FOREIGN_KEYS else d for d in by if d != "kind"]


def _as_date(value: object) -> object:
    # TruncMonth may come back as a datetime on some backends; the summary's month is a date.
    return value.date() if isinstance(value, datetime) else value


def _with_kind(by: tuple[str, ...], key: tuple, kind: str) -> tuple:
    """`key` (the values of `by` without "kind") with `kind` put in its place, when `by` holds it."""
    if "kind" not in by:
        return key
    at = by.index("kind")
    return (*key[:at], kind, *key[at:])


def _summed(kinds: Iterable[str], column: str) -> Sum:
    """SUM over the given kinds' `column` ("count" or "value") of summary rows, as one expression."""
    names = [f"{column}_{kind}" for kind in kinds]
    return Sum(sum((F(name) for name in names[1:]), F(names[0])))


def _summary_rows(qs: QuerySet, by: tuple[str, ...], kinds: tuple[str, ...]) -> Iterator[tuple[tuple, Figures]]:
    """(key, figures) per group of `by` from summary rows (one query). Per kind among `kinds` when `by` holds
    "kind" or only some kinds count; otherwise the kinds are added up in the query (in kind: IN_KIND's values,
    funded: money's, as `Figures.of` has it)."""
    columns = _columns(by)
    if "kind" not in by and kinds == KINDS:
        in_kind = [kind for kind in KINDS if kind in IN_KIND]
        sums = {"h": Sum("hours"), "n": _summed(KINDS, "count"), "k": _summed(in_kind, "value")}
        for row in qs.order_by().values(*columns).annotate(**sums, f=Sum(f"value_{Kind.MONEY}")):
            yield tuple(_as_date(row[c]) for c in columns), Figures(row["h"], row["k"], row["f"], row["n"])
        return
    sums = {"h": Sum("hours")}
    sums |= {f"n_{k}": Sum(f"count_{k}") for k in kinds} | {f"v_{k}": Sum(f"value_{k}") for k in kinds}
    for row in qs.order_by().values(*columns).annotate(**sums):
        key = tuple(_as_date(row[c]) for c in columns)
        for kind in kinds:
            yield _with_kind(by, key, kind), Figures.of(kind, row[f"n_{kind}"], row["h"], row[f"v_{kind}"])


def _contribution_rows(qs: QuerySet[Contribution], by: tuple[str, ...]) -> Iterator[tuple[tuple, Figures]]:
    """(key, figures) per group of `by` and kind, summed from contribution rows (one query)."""
    columns = _columns(by)
    if "month" in by:
        qs = qs.annotate(month=TruncMonth("date"))
    grouped = qs.order_by().values(*columns, "kind").annotate(n=Count("id"), h=Sum("hours"), v=Sum("value"))
    for row in grouped:
        key = tuple(_as_date(row[c]) for c in columns)
        yield _with_kind(by, key, row["kind"]), Figures.of(row["kind"], row["n"], row["h"] or ZERO, row["v"])


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
    if date_to is not None and last is not None and date_to != _month_end(date_to):
        last = (last - timedelta(days=1)).replace(day=1)
    if first is not None and last is not None and first > last:
        assert date_from is not None and date_to is not None
        return None, [(date_from, date_to)]
    partial = []
    if date_from is not None and first is not None and date_from < first:
        partial.append((date_from, first - timedelta(days=1)))
    if date_to is not None and last is not None and date_to > _month_end(last):
        partial.append((_month_end(last) + timedelta(days=1), date_to))
    return (first, last), partial


def totals(
    *,
    by: tuple[str, ...] = ("status",),
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
    """The figures of the contributions that match, grouped by `by` (any of GROUPINGS).

    `condition` is the reader's visibility as a Q on `partner_id` and `status`
    (`permissions.visibility_condition(user)`; None: everything). `statuses` limits what counts (e.g. approved
    and submitted for reports); the other filters are those of the contribution list. `date_from` and `date_to`
    (inclusive, None: open) limit the contributions' dates. The summary holds whole months: the whole months of
    the range are read from it (one query), and only when the range starts or ends inside a month are the days
    of those part-months summed from the contribution table (one more grouped query, over those days only).
    So the figures are exact for any range, and a range of whole months costs one summary read.
    """
    _columns(by)  # refuse an unknown grouping even when nothing is read
    whole, partial = month_split(date_from, date_to)
    result = Totals(by=tuple(by))
    filters = {"partner": partner, "period": period, "action_line": action_line, "status": status}
    filters = {name: value for name, value in filters.items() if value not in (None, "")}
    kinds = (kind,) if kind else KINDS
    if whole is not None:
        qs = _limited(ContributionSummary.objects.filter(**filters), condition, statuses)
        if whole[0] is not None:
            qs = qs.filter(month__gte=whole[0])
        if whole[1] is not None:
            qs = qs.filter(month__lte=whole[1])
        for key, figures in _summary_rows(qs, by, kinds):
            result._add(key, figures)
    if partial:
        days = Q()
        for start, end in partial:
            days |= Q(date__gte=start, date__lte=end)
        qs = _limited(Contribution.objects.filter(days, kind__in=kinds, **filters), condition, statuses)
        for key, figures in _contribution_rows(qs, by):
            result._add(key, figures)
    return result


def recount(
    *,
    queryset: QuerySet[Contribution] | None = None,
    by: tuple[str, ...] = SUMMARY_KEY,
    statuses: tuple[str, ...] | None = None,
) -> Totals:
    """The same figures as `totals()`, summed from the contribution rows of `queryset` (all by default).

    Its cost grows with the contributions: for checks (the summary against a recount) and for the few rows an
    import has just written, never for a page."""
    result = Totals(by=tuple(by))
    qs = _limited(Contribution.objects.all() if queryset is None else queryset, None, statuses)
    for key, figures in _contribution_rows(qs, by):
        result._add(key, figures)
    return result


def unsaved_totals(contributions: Iterable[Contribution], *, by: tuple[str, ...]) -> Totals:
    """The same figures as `totals()` for contributions not saved (yet): what an import's check would add."""
    _columns(by)
    result = Totals(by=tuple(by))
    for c in contributions:
        place = {
            "partner": c.partner_id,
            "action_line": c.action_line_id,
            "period": c.period_id,
            "month": c.date.replace(day=1),
            "activity": c.activity_id,
            "kind": c.kind,
            "status": c.status,
        }
        result._add(tuple(place[d] for d in by), Figures.of(c.kind, 1, c.hours or ZERO, c.value))
    return result


def _limited(qs: QuerySet, condition: Q | None, statuses: tuple[str, ...] | None) -> QuerySet:
    if condition is not None:
        qs = qs.filter(condition)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    return qs


def differences() -> list[tuple[tuple, Figures, Figures]]:
    """Where the summary differs from a full recount of the contributions, as (key in the order of SUMMARY_KEY,
    the summary's figures, the recount's figures); empty when they agree. Sums the whole contribution table:
    for the check command and tests, not for pages."""
    summary, counted = totals(by=SUMMARY_KEY), recount(by=SUMMARY_KEY)
    keys = sorted(set(summary.rows) | set(counted.rows), key=str)
    return [(key, summary.get(*key), counted.get(*key)) for key in keys if summary.get(*key) != counted.get(*key)]


def submitted_count() -> int:
    """How many contributions await review (the menu's badge), from the summary."""
    return ContributionSummary.objects.filter(status=Status.SUBMITTED).aggregate(n=_summed(KINDS, "count"))["n"] or 0


# --- Writing: called by contributions/services.py only ----------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What some contributions add to the summary: their place (in the order of SUMMARY_KEY, kind included),
    how many, their hours and their value."""

    key: tuple
    count: int
    hours: Decimal
    value: Decimal


def entry(contribution: Contribution) -> Entry:
    """The summary entry of one contribution as it is now (take it before a change, and again after)."""
    c = contribution
    key = (c.partner_id, c.action_line_id, c.period_id, c.date.replace(day=1), c.activity_id, c.kind, c.status)
    return Entry(key, 1, c.hours or ZERO, c.value)


def entries(queryset: QuerySet[Contribution]) -> list[Entry]:
    """The summary entries of `queryset`'s contributions, grouped by their place in the summary (one query)."""
    columns = _columns(SUMMARY_KEY)
    grouped = (
        queryset.annotate(month=TruncMonth("date"))
        .order_by()
        .values(*columns, "kind")
        .annotate(n=Count("id"), h=Sum("hours"), v=Sum("value"))
    )
    return [
        Entry(
            _with_kind(SUMMARY_KEY, tuple(_as_date(row[c]) for c in columns), row["kind"]),
            row["n"],
            row["h"] or ZERO,
            row["v"],
        )
        for row in grouped
    ]


_ROW_KEY = "partner_id, action_line_id, period_id, month, activity_id, status"
_ROW_VALUES = ["hours", *(f"count_{kind}" for kind in KINDS), *(f"value_{kind}" for kind in KINDS)]
UPSERT = (
    f"INSERT INTO contributions_contributionsummary ({_ROW_KEY}, {', '.join(_ROW_VALUES)}) VALUES {{rows}} "
    # The conflict target is the unique index contribution_summary_key, over COALESCE(activity_id, 0).
    "ON CONFLICT (partner_id, action_line_id, period_id, month, (COALESCE(activity_id, 0)), status) DO UPDATE SET "
    + ", ".join(f"{column} = contributions_contributionsummary.{column} + EXCLUDED.{column}" for column in _ROW_VALUES)
)
UPSERT_ROWS = 400  # rows per statement: 6,800 parameters, well within SQLite's limit


def summary_apply(*, removed: Iterable[Entry] = (), added: Iterable[Entry] = ()) -> None:
    """Subtract `removed` from the summary and add `added`, as one upsert of the differences per row.

    Call it inside the transaction that writes the contributions, with their entries before and after the
    change. Rows are written in the order of their keys, so two transactions touching the same rows cannot
    deadlock.
    """
    hours_at, count_at, value_at = 0, 1, 1 + len(KINDS)
    change: dict[tuple, list] = defaultdict(lambda: [ZERO] + [0] * len(KINDS) + [ZERO] * len(KINDS))
    for sign, items in ((-1, removed), (1, added)):
        for item in items:
            *place, kind, status = item.key
            row = change[(*place, status)]
            k = KINDS.index(kind)
            if kind == Kind.STAFF_HOURS:
                row[hours_at] += sign * item.hours
            row[count_at + k] += sign * item.count
            row[value_at + k] += sign * item.value
    rows = sorted(((key, values) for key, values in change.items() if any(values)), key=_sort_key)
    width = 6 + len(_ROW_VALUES)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start : start + UPSERT_ROWS]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(UPSERT.format(rows=placeholders), [p for key, values in chunk for p in (*key, *values)])


def _sort_key(row: tuple) -> tuple:
    partner, line, period, month, activity, status = row[0]
    return (partner, line, period, month, activity or 0, status)
