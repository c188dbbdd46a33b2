"""Contribution totals: the one place these numbers are computed, for pages, reports and exports alike.

One grouped query, whatever the number of contributions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from contributions.models import IN_KIND, Contribution, Kind, Status

ZERO = Decimal("0")
GROUPINGS = {"partner", "action_line", "period", "status", "kind", "activity"}
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


def contribution_totals(
    *,
    queryset: QuerySet[Contribution] | None = None,
    by: tuple[str, ...] = ("partner", "action_line", "period", "status"),
    statuses: tuple[str, ...] | None = None,
) -> Totals:
    """Totals of `queryset` (all contributions by default) grouped by `by` (ids as keys).

    `statuses` limits what counts, e.g. (Status.APPROVED,) for reports.
    """
    unknown = set(by) - GROUPINGS
    if unknown:
        raise ValueError(f"cannot group by {unknown}")
    qs = Contribution.objects.all() if queryset is None else queryset
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    keys = [f"{d}_id" if d in _FOREIGN_KEYS else d for d in by]
    grouped = (
        qs.order_by()
        .values(*keys)
        .annotate(
            hours=_sum("hours", Q(kind=Kind.STAFF_HOURS)),
            in_kind_value=_sum("value", Q(kind__in=IN_KIND)),
            funded=_sum("value", Q(kind=Kind.MONEY)),
            count=Count("id"),
        )
    )
    totals = Totals(by=tuple(by))
    for row in grouped:
        figures = Figures(row["hours"], row["in_kind_value"], row["funded"], row["count"])
        totals.rows[tuple(row[k] for k in keys)] = figures
        totals.total.add(figures)
    return totals


def status_labels() -> dict[str, str]:
    return {s.value: str(s.label) for s in Status}
