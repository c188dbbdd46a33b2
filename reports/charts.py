"""Charts of a report's data as SVG, made with matplotlib (Agg, no display).

Readable in black and white: the series differ by hatching, line style and marker, not by colour alone,
and every bar carries its value. Text stays text (`svg.fonttype = "none"`) in Noto Sans, so the labels
are searchable in the PDF. The pages put the same numbers in tables next to the chart (text alternative).
"""

import hashlib
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lifeport.lib.money import format_euro

if TYPE_CHECKING:
    from reports.selectors import MonthRow, ProgrammeFigures

CHART_NAMES = ("lines", "partners", "cumulative")
CHART_CACHE_SECONDS = 60 * 60
INK, GREY = "#1a1a1a", "#5a5a5a"


def _pyplot():
    import matplotlib  # imported here: slow, and only the chart code needs it

    matplotlib.use("Agg")
    from matplotlib import pyplot

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "lifeport",  # stable ids: the same data gives the same SVG
            "font.family": ["Noto Sans", "DejaVu Sans"],
            "font.size": 9,
            "axes.edgecolor": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "hatch.linewidth": 0.8,
        }
    )
    return pyplot


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def _euro_short(value: float, language: str) -> str:
    """Whole euros for axis ticks and bar labels: "€ 120.000" (nl), "€120,000" (en)."""
    text = format_euro(Decimal(round(value)), language)
    return text[:-3] if text.endswith((",00", ".00")) else text


def stacked_bars_svg(*, labels: list[str], in_kind: list[Decimal], funded: list[Decimal], language: str) -> str:
    """Horizontal bars, in kind (hatched) and funded (solid) stacked, with the total at the end of each bar."""
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter

    height = 0.6 + 0.42 * max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(6.7, height))
    positions = list(range(len(labels)))[::-1]
    kind_values = [float(v) for v in in_kind]
    funded_values = [float(v) for v in funded]
    with translation.override(language):
        in_kind_label, funded_label = _("In kind"), _("Funded")
    ax.barh(positions, kind_values, height=0.6, color="white", edgecolor=INK, hatch="////", label=in_kind_label)
    ax.barh(positions, funded_values, left=kind_values, height=0.6, color=GREY, edgecolor=INK, label=funded_label)
    largest = max([a + b for a, b in zip(kind_values, funded_values, strict=True)] or [0]) or 1
    for y, a, b in zip(positions, kind_values, funded_values, strict=True):
        ax.text(a + b + largest * 0.01, y, _euro_short(a + b, language), va="center", fontsize=8, color=INK)
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, largest * 1.22)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _euro_short(v, language)))
    ax.tick_params(axis="x", labelsize=7.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return _svg(fig)


def cumulative_svg(*, months: list[str], in_kind: list[Decimal], funded: list[Decimal], language: str) -> str:
    """Cumulative value per month: total (solid, circles), in kind (dashed, squares), funded (dotted, triangles)."""
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(6.7, 2.8))
    x = list(range(len(months)))
    kind_values = [float(v) for v in in_kind]
    funded_values = [float(v) for v in funded]
    totals = [a + b for a, b in zip(kind_values, funded_values, strict=True)]
    with translation.override(language):
        labels = (_("Total"), _("In kind"), _("Funded"))
    ax.plot(x, totals, color=INK, linestyle="-", marker="o", markersize=4, label=labels[0])
    ax.plot(x, kind_values, color=INK, linestyle="--", marker="s", markersize=3.5, label=labels[1])
    ax.plot(x, funded_values, color=GREY, linestyle=":", marker="^", markersize=4, label=labels[2])
    if totals:
        ax.annotate(
            _euro_short(totals[-1], language),
            (x[-1], totals[-1]),
            textcoords="offset points",
            xytext=(-4, 6),
            ha="right",
            fontsize=8,
        )
    ax.set_xticks(x, months, rotation=0 if len(months) <= 12 else 60, fontsize=7.5)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _euro_short(v, language)))
    ax.tick_params(axis="y", labelsize=7.5)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#bbbbbb", linewidth=0.5)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return _svg(fig)


def report_chart_svg(data: "ProgrammeFigures", name: str, *, months: "list[MonthRow] | None" = None) -> str:
    """One of the report's charts ("lines", "partners", "cumulative") from its data (the cumulative one from
    `months`, or the report data's own).

    Drawing takes matplotlib some 70 ms; the same figures give the same SVG, so it is cached by its input
    (the labels, the amounts and the language) for CHART_CACHE_SECONDS: the dashboard's three charts are drawn
    again only when a number on them changed."""
    language = data.language
    if name in ("lines", "partners"):
        rows = data.lines if name == "lines" else data.partners
        labels = [row.name if name == "lines" else row.short_name for row in rows]
        in_kind = [row.totals.in_kind_value for row in rows]
        funded = [row.totals.funded for row in rows]
        draw = stacked_bars_svg
    elif name == "cumulative":
        months = data.months if months is None else months  # type: ignore[attr-defined]
        labels = [row.short for row in months]
        in_kind = [row.in_kind_value for row in months]
        funded = [row.funded for row in months]
        draw = cumulative_svg
    else:
        raise ValueError(f"no chart {name!r}")
    inputs = json.dumps([name, language, labels, in_kind, funded], default=str)
    key = f"report-chart:{hashlib.sha256(inputs.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        keyword = "months" if name == "cumulative" else "labels"
        svg = draw(**{keyword: labels}, in_kind=in_kind, funded=funded, language=language)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def chart_descriptions(data: "ProgrammeFigures") -> dict[str, str]:
    """A one-sentence text alternative per chart, in the active language (the tables hold every number)."""
    language = data.language
    lines = sorted(data.lines, key=lambda r: r.totals.total_value, reverse=True)
    partners = sorted(data.partners, key=lambda r: r.totals.total_value, reverse=True)
    first, last = data.period.starts_on.replace(day=1), data.period.ends_on.replace(day=1)
    return {
        "lines": _(
            "Bar chart of approved contributions per action line, in kind and funded; largest: %(name)s "
            "with %(value)s. The numbers are in the table per action line."
        )
        % {
            "name": lines[0].name if lines else "–",
            "value": format_euro(lines[0].totals.total_value if lines else 0, language),
        },
        "partners": _(
            "Bar chart of approved contributions per partner, in kind and funded; largest: %(name)s "
            "with %(value)s. The numbers are in the table per partner."
        )
        % {
            "name": partners[0].name if partners else "–",
            "value": format_euro(partners[0].totals.total_value if partners else 0, language),
        },
        "cumulative": _(
            "Line chart of the cumulative approved value per month, from %(first)s to %(last)s, reaching %(total)s."
        )
        % {
            "first": date_format(first, "F Y"),
            "last": date_format(last, "F Y"),
            "total": format_euro(data.totals.approved.total_value, language),
        },
    }


def target_actual_svg(*, periods: list[str], targets: list, actuals: list, language: str) -> str:
    """An indicator over time: its target per period (dashed, squares) against the actual (solid, circles).
    A period without a value leaves a gap in its line."""
    plt = _pyplot()

    fig, ax = plt.subplots(figsize=(6.7, 2.6))
    x = list(range(len(periods)))
    with translation.override(language):
        labels = (_("Target"), _("Actual"))

    def values(series: list) -> list[float]:
        return [float("nan") if v is None else float(v) for v in series]

    ax.plot(x, values(targets), color=GREY, linestyle="--", marker="s", markersize=4, label=labels[0])
    ax.plot(x, values(actuals), color=INK, linestyle="-", marker="o", markersize=4.5, label=labels[1])
    for xi, value in zip(x, actuals, strict=True):
        if value is not None:
            ax.annotate(f"{float(value):g}", (xi, float(value)), textcoords="offset points", xytext=(0, 6), fontsize=8)
    ax.set_xticks(x, periods, fontsize=7.5)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#bbbbbb", linewidth=0.5)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return _svg(fig)


def indicator_chart_svg(*, periods: list[str], targets: list, actuals: list, language: str) -> str:
    """`target_actual_svg`, cached by its input (periods, values, language) like the report's charts."""
    inputs = json.dumps(["indicator", language, periods, targets, actuals], default=str)
    key = f"report-chart:{hashlib.sha256(inputs.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = target_actual_svg(periods=periods, targets=targets, actuals=actuals, language=language)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg
