"""What the API reads across apps: the programme's figures (as the dashboard) and the open data (as issued)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from contributions.figures import Figures
from reports.models import Report, ReportStatus
from reports.selectors import Period, programme_figures, report_data_from_json


def _figures(found: Figures) -> dict:
    return {
        "hours": found.hours,
        "in_kind_value": found.in_kind_value,
        "funded": found.funded,
        "total_value": found.total_value,
        "count": found.count,
    }


def figures_payload(*, period: Period, language: str) -> dict:
    """The programme's figures over `period` exactly as the dashboard reads them (`programme_figures`, one read
    of the contribution summary through contributions/figures.py): per action line, partner and helix."""
    data = programme_figures(period=period, language=language)
    return {
        "period": period.key,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "approved": _figures(data.totals.approved),
        "in_review": _figures(data.totals.in_review),
        "action_lines": [
            {
                "key": line.code,
                "name": line.name,
                "approved": _figures(line.totals),
                "in_review": _figures(line.in_review),
            }
            for line in data.lines
        ],
        "partners": [
            {"key": str(p.id), "name": p.name, "approved": _figures(p.totals), "in_review": _figures(p.in_review)}
            for p in data.partners
        ],
        "helices": [{"key": h.key, "name": h.label, "approved": _figures(h.figures)} for h in data.helices],
    }


# --- Open data (Woo) -----------------------------------------------------------------------------------

OPEN_DATA_LICENCE = "CC0-1.0"
OPEN_DATA_LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/deed.nl"
OPEN_DATA_FIELDS = {
    "period": "Periode van de uitgegeven rapportage: 2026-K3 (kwartaal), 2026 (jaar) of agreement-<id> (looptijd).",
    "period_start": "Eerste dag van de periode (JJJJ-MM-DD).",
    "period_end": "Laatste dag van de periode (JJJJ-MM-DD).",
    "dimension": "Waarover het totaal gaat: action_line (actielijn) of helix (bedrijf, kennis, overheid, …).",
    "code": "Code van de actielijn of de helix.",
    "name": "Naam van de actielijn of de helix, zoals in de rapportage.",
    "hours": "Goedgekeurde uren in natura.",
    "in_kind_value": "Goedgekeurde waarde in natura in euro's (uren × uurtarief, faciliteiten, materialen).",
    "funded": "Goedgekeurde financiële bijdragen in euro's.",
    "total_value": "in_kind_value + funded, in euro's.",
    "report": "Nummer van de uitgegeven rapportage waarin deze cijfers zijn gepubliceerd.",
    "report_version": "Versie van die rapportage (de laatste uitgegeven versie per periode telt).",
}


@dataclass(frozen=True)
class OpenDataRow:
    period: str
    period_start: date
    period_end: date
    dimension: str
    code: str
    name: str
    hours: Decimal
    in_kind_value: Decimal
    funded: Decimal
    total_value: Decimal
    report: int
    report_version: int


def published_reports() -> QuerySet[Report]:
    """The last issued version of each period's report, in period order: what has been published."""
    latest = Report.objects.issued().values("period_key").annotate(v=Max("version")).values_list("period_key", "v")
    pairs = list(latest)
    if not pairs:
        return Report.objects.none()
    condition = Q()
    for key, version in pairs:
        condition |= Q(period_key=key, version=version)
    return Report.objects.filter(condition, status=ReportStatus.ISSUED).order_by("starts_on", "period_key")


def open_data_rows() -> list[OpenDataRow]:
    """The approved totals per action line and per helix of every published report, as its PDF shows them:
    read from the figures the report froze when it was issued (never from live or draft data). No person, no
    partner, no description: sums only."""
    rows = []
    for report in published_reports().only("id", "period_key", "starts_on", "ends_on", "version", "data"):
        data = report_data_from_json(report.data or {})
        groups = [("action_line", line.code, line.name, line.totals) for line in data.lines]
        groups += [("helix", helix.key, helix.label, helix.figures) for helix in data.helices]
        for dimension, code, name, found in groups:
            rows.append(
                OpenDataRow(
                    period=report.period_key,
                    period_start=report.starts_on,
                    period_end=report.ends_on,
                    dimension=dimension,
                    code=code,
                    name=name,
                    hours=found.hours,
                    in_kind_value=found.in_kind_value,
                    funded=found.funded,
                    total_value=found.in_kind_value + found.funded,
                    report=report.pk,
                    report_version=report.version,
                )
            )
    return rows
