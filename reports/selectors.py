"""Report data: the one place a progress report's numbers are put together, for the preview, the PDF,
the XLSX, the dashboard and the command alike.

`report_data()` returns plain JSON (strings for Decimals and dates) so that what an issued report stores
is exactly what its PDF showed. Its size depends on the number of partners, lines and months, never on
the number of contributions: every number comes from a grouped query.
"""

import re
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actionlines.models import ActionLine, MilestoneStatus
from actionlines.selectors import adopted_plan, plan_contents, plan_realisation
from contributions.models import ReportingPeriod, Status
from contributions.selectors import Figures, summary_totals
from partners.models import Agreement, Helix, Partner
from partners.selectors import AgreementStatus, agreement_status

SCHEMA = 1
CENT = Decimal("0.01")
ZERO = Decimal("0")


class PeriodError(ValueError):
    """The text does not name a period we can report on."""


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # "quarter", "year" or "agreement"
    starts_on: date
    ends_on: date
    agreement: Agreement | None

    def label(self) -> str:
        """In the active language: "2026", "3e kwartaal 2026", "looptijd van de overeenkomst (…)"."""
        if self.kind == "year":
            return str(self.starts_on.year)
        if self.kind == "quarter":
            quarter = (self.starts_on.month - 1) // 3 + 1
            return _("quarter %(quarter)d of %(year)d") % {"quarter": quarter, "year": self.starts_on.year}
        return _("term of the agreement (%(start)s – %(end)s)") % {
            "start": _long(self.starts_on),
            "end": _long(self.ends_on),
        }


_QUARTER = re.compile(r"^(\d{4})-[KkQq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_AGREEMENT = re.compile(r"^agreement(?:-(\d+))?$")


def parse_period(text: str, *, today: date | None = None) -> Period:
    """ "2026" (a year), "2026-K3" (a quarter; Q3 too), "agreement" (the current agreement's whole term)
    or "agreement-<id>". Raises PeriodError with a message for anything else."""
    text = (text or "").strip()
    if match := _YEAR.match(text):
        year = int(match[1])
        if not 2000 <= year <= 2100:
            raise PeriodError(_("Choose a year between 2000 and 2100."))
        start, end = date(year, 1, 1), date(year, 12, 31)
        return Period(str(year), "year", start, end, _agreement_for(start, end))
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        if not 2000 <= year <= 2100:
            raise PeriodError(_("Choose a year between 2000 and 2100."))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 3 * quarter, monthrange(year, 3 * quarter)[1])
        return Period(f"{year}-K{quarter}", "quarter", start, end, _agreement_for(start, end))
    if match := _AGREEMENT.match(text):
        if match[1]:
            agreement = Agreement.objects.filter(pk=int(match[1])).first()
        else:
            agreement = agreement_status(on=today).agreement
        if agreement is None:
            raise PeriodError(_("There is no such agreement."))
        return Period(f"agreement-{agreement.pk}", "agreement", agreement.starts_on, agreement.ends_on, agreement)
    raise PeriodError(_("Enter a year (2026), a quarter (2026-K3) or “agreement”."))


def _agreement_for(start: date, end: date) -> Agreement | None:
    return Agreement.objects.filter(starts_on__lte=end, ends_on__gte=start).order_by(
        "-starts_on"
    ).first() or Agreement.current(start)


def period_choices(*, today: date | None = None) -> list[tuple[str, str]]:
    """The periods offered when starting a report: the agreements' terms, their years and quarters."""
    choices: list[tuple[str, str]] = []
    seen: set[str] = set()
    for agreement in Agreement.objects.order_by("-starts_on"):
        keys = [f"agreement-{agreement.pk}"]
        keys += [str(y) for y in range(agreement.ends_on.year, agreement.starts_on.year - 1, -1)]
        keys += [p.name for p in agreement.periods.order_by("-starts_on") if _QUARTER.match(p.name)]
        for key in keys:
            if key not in seen:
                seen.add(key)
                choices.append((key, parse_period(key, today=today).label()))
    return choices


# --- formatting helpers: everything stored is JSON ------------------------------------------------


def _long(day: date) -> str:
    return date_format(day, "j F Y")


def _dec(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(CENT))


def _figures(f: Figures) -> dict:
    return {
        "hours": _dec(f.hours),
        "in_kind_value": _dec(f.in_kind_value),
        "funded": _dec(f.funded),
        "total_value": _dec(f.total_value),
        "count": f.count,
    }


def _months(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


HELIX_GROUPS = [
    ("government", (Helix.GOVERNMENT,)),
    ("knowledge", (Helix.KNOWLEDGE, Helix.EDUCATION)),
    ("business", (Helix.BUSINESS,)),
    ("intermediary", (Helix.INTERMEDIARY,)),
]


def helix_group_labels() -> dict[str, str]:
    return {
        "government": _("Government"),
        "knowledge": _("Knowledge and education"),
        "business": _("Business"),
        "intermediary": _("Intermediary"),
    }


# --- the report data ------------------------------------------------------------------------------


def report_data(
    *,
    period: Period,
    language: str = "nl",
    today: date | None = None,
    status: AgreementStatus | None = None,
    with_plan: bool = True,
    detail: bool = True,
) -> dict:
    """Everything a progress report shows for `period`, in `language`, as JSON-ready data.

    Only approved contributions count; submitted ones are reported apart as "in review". Queries: the
    totals per partner × line × month × status, read from the contribution summary (one grouped query
    whose cost does not grow with the contributions; one more, over those days only, when the period
    starts or ends inside a month), then partners, lines, agreement and the plan. The totals and the
    monthly appendix both come from that one read. `status` is `agreement_status(on=today)` when the
    caller has it already (the dashboard), read once otherwise. `with_plan=False` leaves out plan against
    realisation ("plan": None), for callers that do not show it (the charts). `detail=False` is the
    dashboard's cut: no monthly appendix per partner ("appendix": []) and the plan without its sections per
    action line (activities, milestones, indicators: "lines": {}); every figure it does give is the same.
    """
    today = today or timezone.localdate()
    status = status or agreement_status(on=today)
    with translation.override(language):
        totals = summary_totals(
            by=("partner", "action_line", "month", "status"),
            statuses=(Status.APPROVED, Status.SUBMITTED),
            date_from=period.starts_on,
            date_to=period.ends_on,
        )
        approved: dict[tuple[int, int], Figures] = defaultdict(Figures)
        in_review: dict[tuple[int, int], Figures] = defaultdict(Figures)
        monthly: dict[tuple[int, int, date], tuple[Decimal, Decimal]] = {}
        for (partner_id, line_id, month, row_status), figures in totals.rows.items():
            (approved if row_status == Status.APPROVED else in_review)[(partner_id, line_id)].add(figures)
            if row_status == Status.APPROVED:
                monthly[(partner_id, line_id, month)] = (figures.in_kind_value, figures.funded)
        approved, in_review = dict(approved), dict(in_review)
        lines = list(ActionLine.objects.all())
        partners = _partners(period, {k[0] for k in totals.rows})

        line_rows = [_line_row(line, partners, approved, in_review) for line in lines]
        partner_rows = [_partner_row(p, lines, approved, in_review) for p in partners]
        total_approved, total_review = _sum(approved.values()), _sum(in_review.values())
        return {
            "schema": SCHEMA,
            "language": language,
            "period": {
                "key": period.key,
                "kind": period.kind,
                "label": period.label(),
                "starts_on": period.starts_on.isoformat(),
                "ends_on": period.ends_on.isoformat(),
                "starts_on_label": _long(period.starts_on),
                "ends_on_label": _long(period.ends_on),
            },
            "made_on": today.isoformat(),
            "made_on_label": _long(today),
            "agreement": _agreement(period, today, status),
            "totals": {"approved": _figures(total_approved), "in_review": _figures(total_review)},
            "lines": line_rows,
            "partners": partner_rows,
            "helices": _helices(partners, approved),
            "kinds": _kinds(total_approved),
            "months": _cumulative(period, monthly),
            "appendix": _appendix(period, partners, lines, monthly) if detail else [],
            "plan": _plan(period, today, status, sections=detail) if with_plan else None,
        }


def _sum(items) -> Figures:
    total = Figures()
    for figures in items:
        total.add(figures)
    return total


def _partners(period: Period, with_contributions: set[int]) -> list[Partner]:
    """The agreement's parties plus every partner with contributions in the period (LSI, a leaver)."""
    condition = Q(pk__in=with_contributions)
    if period.agreement is not None:
        condition |= Q(party_links__agreement=period.agreement)
    return list(Partner.objects.filter(condition).distinct().order_by("name"))


def _agreement(period: Period, today: date, status: AgreementStatus) -> dict | None:
    agreement = period.agreement
    if agreement is None:
        return None
    if status.agreement is not None and status.agreement.pk == agreement.pk:
        days_left, has_ended, successor = status.days_left, status.has_ended, status.successor
        parties, countdown = status.parties, status.countdown_text
    else:
        days_left, has_ended, successor = agreement.days_left(today), agreement.has_ended(today), agreement.successor()
        parties = list(agreement.party_links.select_related("partner").order_by("partner__name"))
        countdown = (
            _("ended on %(date)s") % {"date": _long(agreement.ends_on)}
            if has_ended
            else _("%(days)d days left") % {"days": days_left}
        )
    return {
        "title": agreement.title,
        "starts_on_label": _long(agreement.starts_on),
        "ends_on": agreement.ends_on.isoformat(),
        "ends_on_label": _long(agreement.ends_on),
        "signed_on_label": _long(agreement.signed_on) if agreement.signed_on else "",
        "days_left": days_left,
        "has_ended": has_ended,
        "countdown": countdown,
        "successor": ({"title": successor.title, "starts_on_label": _long(successor.starts_on)} if successor else None),
        "parties": [
            {
                "name": party.partner.name,
                "helix": party.partner.get_helix_display(),
                "joined_on_label": _long(party.joined_on),
                "left_on_label": _long(party.left_on) if party.left_on else "",
            }
            for party in parties
        ],
    }


def _line_row(line: ActionLine, partners: list[Partner], approved: dict, in_review: dict) -> dict:
    per_partner = [(p, approved.get((p.pk, line.pk), Figures())) for p in partners]
    return {
        "id": line.pk,
        "code": line.code,
        "name": line.name,
        "goal": line.goal,
        "totals": _figures(_sum(approved.get((p.pk, line.pk), Figures()) for p in partners)),
        "in_review": _figures(_sum(f for (_p, line_id), f in in_review.items() if line_id == line.pk)),
        # Every partner, also those without contributions: the report's length never depends on the data.
        "partners": [{"id": p.pk, "name": p.name, "figures": _figures(f)} for p, f in per_partner],
    }


def _partner_row(partner: Partner, lines: list[ActionLine], approved: dict, in_review: dict) -> dict:
    return {
        "id": partner.pk,
        "name": partner.name,
        "short_name": partner.short_name,
        "helix": partner.get_helix_display(),
        "totals": _figures(_sum(approved.get((partner.pk, line.pk), Figures()) for line in lines)),
        "in_review": _figures(_sum(f for (p, _l), f in in_review.items() if p == partner.pk)),
        "lines": [
            {"code": line.code, "name": line.name, "figures": _figures(approved[(partner.pk, line.pk)])}
            for line in lines
            if (partner.pk, line.pk) in approved
        ],
    }


def _helices(partners: list[Partner], approved: dict) -> list[dict]:
    labels = helix_group_labels()
    rows = []
    for key, members in HELIX_GROUPS:
        ids = {p.pk for p in partners if p.helix in members}
        figures = _sum(f for (p, _l), f in approved.items() if p in ids)
        if ids or figures.count:
            rows.append({"key": key, "label": labels[key], "partners": len(ids), "figures": _figures(figures)})
    return rows


def _kinds(total: Figures) -> dict:
    whole = total.total_value
    share = (lambda part: _dec(part * 100 / whole)) if whole else (lambda part: _dec(ZERO))
    return {"in_kind_share": share(total.in_kind_value), "funded_share": share(total.funded)}


def _cumulative(period: Period, monthly: dict) -> list[dict]:
    rows, in_kind, funded = [], ZERO, ZERO
    one_year = period.starts_on.year == period.ends_on.year
    for month in _months(period.starts_on, period.ends_on):
        for (_p, _l, m), (k, f) in monthly.items():
            if m == month:
                in_kind, funded = in_kind + k, funded + f
        rows.append(
            {
                "month": month.isoformat()[:7],
                "label": date_format(month, "F Y"),
                "short": date_format(month, "M" if one_year else "M y"),
                "in_kind_value": _dec(in_kind),
                "funded": _dec(funded),
                "total_value": _dec(in_kind + funded),
            }
        )
    return rows


def _appendix(period: Period, partners: list[Partner], lines: list[ActionLine], monthly: dict) -> list[dict]:
    """Per partner of the period a table: a row per month with the approved value per action line, and totals."""
    tables = []
    for partner in partners:
        rows, line_totals = [], [ZERO] * len(lines)
        for month in _months(period.starts_on, period.ends_on):
            values = [sum(monthly.get((partner.pk, line.pk, month), (ZERO, ZERO)), ZERO) for line in lines]
            # Every month, also empty ones: the appendix is as long for 100 contributions as for 100,000.
            rows.append(
                {
                    "month": month.isoformat()[:7],
                    "label": date_format(month, "F Y"),
                    "values": [_dec(v) for v in values],
                    "total": _dec(sum(values, ZERO)),
                }
            )
            line_totals = [a + b for a, b in zip(line_totals, values, strict=True)]
        tables.append(
            {
                "partner": partner.name,
                "rows": rows,
                "totals": [_dec(v) for v in line_totals],
                "total": _dec(sum(line_totals, ZERO)),
            }
        )
    return tables


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _realisation(row) -> dict:
    return {
        "pledged_hours": _dec(row.pledged.hours),
        "pledged_value": _dec(row.pledged.total_value),
        "approved_hours": _dec(row.approved.hours),
        "approved_value": _dec(row.approved.total_value),
        "in_review_value": _dec(row.submitted.total_value),
        "pct": _pct(row.pct_total if row.pledged.total_value else row.pct_hours),
        "progress": row.progress,
        "progress_label": row.progress_label,
    }


def _plan(period: Period, today: date, status: AgreementStatus, *, sections: bool = True) -> dict | None:
    """The adopted annual plan of the period's year against realisation, from actionlines.selectors.
    `sections=False`: without the sections per action line (the plan's contents are not read)."""
    plan = adopted_plan(period.starts_on.year)
    if plan is None:
        return None
    realisation = plan_realisation(plan, on=today, status=status)
    contents = plan_contents(plan) if sections else None
    by_activity = {row.subject.pk: row for row in realisation.activities}
    by_line = {row.subject.pk: row for row in realisation.lines}
    statuses = dict(MilestoneStatus.choices)
    lines = {}
    for section in contents.sections if contents else ():
        line = section.action_line
        activities, milestones = [], []
        for activity in section.activities:
            row = by_activity.get(activity.pk)
            activities.append(
                {
                    "title": activity.title,
                    "lead": activity.lead_partner.name if activity.lead_partner else "",
                    "period_label": date_format(activity.starts_on, "j M") + " – " + _long(activity.ends_on),
                    "budget": _dec(activity.budget),
                    **(_realisation(row) if row else {}),
                }
            )
            for milestone in activity.milestones.all():
                status = milestone.shown_status(today)
                milestones.append(
                    {
                        "title": milestone.title,
                        "activity": activity.title,
                        "due_on": milestone.due_on.isoformat(),
                        "due_on_label": _long(milestone.due_on),
                        "status": status,
                        "status_label": str(statuses.get(status, status)),
                    }
                )
        indicators = []
        for indicator in section.indicators:
            latest = indicator.latest_actual
            indicators.append(
                {
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "baseline": str(indicator.baseline),
                    "target": str(indicator.target),
                    "actual": str(latest.value) if latest else None,
                    "actual_period": latest.period.name if latest else "",
                }
            )
        milestones.sort(key=lambda m: m["due_on"])
        lines[line.code] = {
            "realisation": _realisation(by_line[line.pk]) if line.pk in by_line else None,
            "activities": activities,
            "milestones": milestones,
            "indicators": indicators,
        }
    return {
        "year": plan.year,
        "version": plan.version,
        "adopted_on_label": _long(timezone.localdate(plan.adopted_at)) if plan.adopted_at else "",
        "as_of_label": _long(realisation.on),
        "expected_pct": str(realisation.expected_pct),
        "total": _realisation(realisation.total),
        "lines": lines,
        "partners": [
            {"name": row.subject.name, **_realisation(row), "forecast_label": row.forecast_label}
            for row in realisation.partners
        ],
    }


def upcoming_deadlines(*, today: date, limit: int = 4) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(deadline__gte=today).order_by("deadline")[:limit])


@dataclass
class Dashboard:
    today: date
    period: Period
    data: dict
    status: object
    deadlines: list[ReportingPeriod]
    milestones: list
    show_partners: bool
    own_partners: list[dict]


def dashboard_data(
    *, today: date | None = None, show_partners: bool, own_partner_ids: set[int], with_plan: bool = True
) -> Dashboard:
    """The programme dashboard: the report data of the current agreement's term (or this year), upcoming
    deadlines and milestones. `show_partners` False hides other partners' rows (a representative sees the
    programme totals and, in detail, only `own_partner_ids`)."""
    from actionlines.selectors import milestones_needing_attention

    today = today or timezone.localdate()
    status = agreement_status(on=today)
    period = parse_period(f"agreement-{status.agreement.pk}" if status.agreement else str(today.year), today=today)
    language = translation.get_language() or "nl"
    data = report_data(period=period, language=language, today=today, status=status, with_plan=with_plan, detail=False)
    own = [p for p in data["partners"] if p["id"] in own_partner_ids]
    return Dashboard(
        today=today,
        period=period,
        data=data,
        status=status,
        deadlines=upcoming_deadlines(today=today),
        milestones=list(milestones_needing_attention(on=today)[:8]),
        show_partners=show_partners,
        own_partners=own,
    )
