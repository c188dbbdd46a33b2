"""Read models of the governance pages: the risk heat map and the programme budget against spending."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from actionlines.models import Activity, PlanStatus
from governance.models import (
    SCALE,
    BudgetLine,
    CostCategory,
    Risk,
    RiskLevel,
    Spending,
    SpendingKind,
    risk_level,
)


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.score)


@dataclass(frozen=True)
class HeatRow:
    impact: int
    cells: list[HeatCell]


def risk_heat_map(risks=None) -> list[HeatRow]:
    """The 5 × 5 matrix of active risks: a row per impact (5 at the top), a cell per likelihood, with the count.
    One grouped query, whatever the number of risks."""
    risks = Risk.objects.active() if risks is None else risks
    counts = {
        (row["likelihood"], row["impact"]): row["n"]
        for row in risks.order_by().values("likelihood", "impact").annotate(n=Count("id"))
    }
    return [
        HeatRow(impact, [HeatCell(likelihood, impact, counts.get((likelihood, impact), 0)) for likelihood in SCALE])
        for impact in reversed(SCALE)
    ]


# --- The programme budget against spending ------------------------------------------------------------------

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetRow:
    """One cost category of one year.

    The forecast to year end is what is spent plus what is committed and not yet spent: the larger of the
    commitments and the actual spending (commitment accounting). The remainder is the budget less the forecast.
    Under activities, the adopted annual plan's activity budgets count as commitments.
    """

    category: CostCategory
    budget: Decimal
    committed: Decimal
    actual: Decimal

    @property
    def forecast(self) -> Decimal:
        return max(self.committed, self.actual)

    @property
    def remainder(self) -> Decimal:
        return self.budget - self.forecast

    @property
    def over_budget(self) -> bool:
        return self.remainder < 0


@dataclass(frozen=True)
class BudgetFigures:
    year: int
    rows: list[BudgetRow]
    lines: list[BudgetLine]
    plan_activities: Decimal  # the adopted annual plan's activity budgets (part of activities' commitments)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(row, name) for row in self.rows), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        """The sum of every category (the forecast and remainder too: per category first, then added up)."""
        return {name: self._sum(name) for name in ("budget", "committed", "actual", "forecast", "remainder")}


def budget_figures(*, year: int) -> BudgetFigures:
    """The programme organisation's budget against commitments and spending for `year`, per cost category.

    Three grouped queries (budget lines, spending, the adopted plan's activity budgets), whatever the number of
    entries.
    """
    lines = list(BudgetLine.objects.filter(year=year).select_related("funder").order_by("category", "funder__name"))
    budgets: dict[str, Decimal] = {}
    for line in lines:
        budgets[line.category] = budgets.get(line.category, ZERO) + line.amount
    spent = {
        (row["category"], row["kind"]): row["total"]
        for row in Spending.objects.filter(year=year)
        .order_by()
        .values("category", "kind")
        .annotate(total=Sum("amount"))
    }
    plan_activities = (
        Activity.objects.filter(plan__year=year, plan__status=PlanStatus.ADOPTED).aggregate(total=Sum("budget"))[
            "total"
        ]
        or ZERO
    )
    rows = []
    for category in CostCategory:
        committed = spent.get((category.value, SpendingKind.COMMITMENT), ZERO)
        if category == CostCategory.ACTIVITIES:
            committed += plan_activities
        rows.append(
            BudgetRow(
                category=category,
                budget=budgets.get(category.value, ZERO),
                committed=committed,
                actual=spent.get((category.value, SpendingKind.ACTUAL), ZERO),
            )
        )
    return BudgetFigures(year=year, rows=rows, lines=lines, plan_activities=plan_activities)
