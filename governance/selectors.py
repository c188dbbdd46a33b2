"""Read models of the governance pages: the risk heat map."""

from dataclasses import dataclass

from django.db.models import Count

from governance.models import SCALE, Risk, RiskLevel, risk_level


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
