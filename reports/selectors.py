"""Report data: the one place a progress report's numbers are put together, for the preview, the PDF,
the XLSX, the dashboard, the year statements and the command alike.

`report_data()` returns a `ReportData`: dataclasses holding Decimals and dates (and, as text, the names and
date labels in the report's language, so that an issued report keeps what its PDF showed). Every figure
comes from `contributions.figures.totals`, one grouped read of the contribution summary: its size depends on
the number of partners, lines and months, never on the number of contributions. It becomes JSON only to be
stored with a report's PDF (frozen when the report is issued) and with a year statement
(`data_to_json`), and is read back into the same dataclasses (`report_data_from_json`,
`statement_data_from_json`).
"""

import json
import re
import types
import typing
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actionlines.models import ActionLine, AnnualPlan, MilestoneStatus
from actionlines.selectors import (
    PlanProgress,
    PlanRealisation,
    adopted_plan,
    indicators_with_latest_actual,
    plan_progress,
    plan_realisation,
)
from contributions import figures
from contributions.figures import Figures
from contributions.models import SUBMITTED_OR_APPROVED, ReportingPeriod, Status
from partners.models import Agreement, Helix, Partner
from partners.selectors import AgreementStatus, agreement_status, partners_by_name

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
        return agreement_period(agreement)
    raise PeriodError(_("Enter a year (2026), a quarter (2026-K3) or “agreement”."))


def stored_period(*, key: str, starts_on: date, ends_on: date, agreement: Agreement | None) -> Period:
    """The period a report was made for, from what the report stored when it was started (no query)."""
    kind = "year" if _YEAR.match(key) else "quarter" if _QUARTER.match(key) else "agreement"
    return Period(key, kind, starts_on, ends_on, agreement)


def agreement_period(agreement: Agreement) -> Period:
    """The whole term of `agreement` as a report period ("agreement-<id>")."""
    return Period(f"agreement-{agreement.pk}", "agreement", agreement.starts_on, agreement.ends_on, agreement)


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


# --- the report data, typed ------------------------------------------------------------------------

SCHEMA = 2  # 1: every Decimal and date as a string, months as "2026-07" (still readable)


@dataclass
class PeriodInfo:
    key: str
    kind: str
    label: str
    starts_on: date
    ends_on: date
    starts_on_label: str
    ends_on_label: str


@dataclass
class Party:
    name: str
    helix: str
    joined_on_label: str
    left_on_label: str


@dataclass
class Successor:
    title: str
    starts_on_label: str


@dataclass
class AgreementInfo:
    title: str
    starts_on_label: str
    ends_on: date
    ends_on_label: str
    signed_on_label: str
    days_left: int
    has_ended: bool
    countdown: str
    successor: Successor | None
    parties: list[Party]


@dataclass
class ReportTotals:
    approved: Figures
    in_review: Figures


@dataclass
class PartnerFigures:
    """One partner's approved figures on one action line."""

    id: int
    name: str
    figures: Figures


@dataclass
class LineFigures:
    """One action line's approved figures for one partner."""

    code: str
    name: str
    figures: Figures


@dataclass
class LineRow:
    id: int
    code: str
    name: str
    goal: str
    totals: Figures
    in_review: Figures
    partners: list[PartnerFigures]  # every partner, also those without contributions

    @property
    def figures(self) -> Figures:  # as every row of a figures table (templates/reports/_figures_table.html)
        return self.totals


@dataclass
class PartnerRow:
    id: int
    name: str
    short_name: str
    helix: str
    totals: Figures
    in_review: Figures
    lines: list[LineFigures]  # the lines with contributions

    @property
    def figures(self) -> Figures:  # as every row of a figures table (templates/reports/_figures_table.html)
        return self.totals


@dataclass
class HelixRow:
    key: str
    label: str
    partners: int
    figures: Figures


@dataclass
class KindShares:
    in_kind_share: Decimal
    funded_share: Decimal


@dataclass
class MonthRow:
    """The approved value up to and including `month` (its first day)."""

    month: date
    label: str
    short: str
    in_kind_value: Decimal
    funded: Decimal

    @property
    def total_value(self) -> Decimal:
        return self.in_kind_value + self.funded


@dataclass
class AppendixRow:
    month: date
    label: str
    values: list[Decimal]  # per action line, in the order of the report's lines
    total: Decimal


@dataclass
class AppendixTable:
    partner: str
    rows: list[AppendixRow]
    totals: list[Decimal]
    total: Decimal


@dataclass
class Realisation:
    pledged_hours: Decimal
    pledged_value: Decimal
    approved_hours: Decimal
    approved_value: Decimal
    in_review_value: Decimal
    pct: Decimal | None
    progress: str
    progress_label: str


@dataclass
class PlanActivityRow(Realisation):
    title: str
    lead: str
    period_label: str
    budget: Decimal


@dataclass
class PlanMilestoneRow:
    title: str
    activity: str
    due_on: date
    due_on_label: str
    status: str
    status_label: str


@dataclass
class PlanIndicatorRow:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    actual: Decimal | None
    actual_period: str


@dataclass
class PlanLine:
    realisation: Realisation | None
    activities: list[PlanActivityRow]
    milestones: list[PlanMilestoneRow]
    indicators: list[PlanIndicatorRow]


@dataclass
class PlanPartnerRow(Realisation):
    name: str
    forecast_label: str


@dataclass
class PlanFigures:
    """The adopted annual plan against realisation, in total and per partner."""

    year: int
    version: int
    adopted_on_label: str
    as_of_label: str
    expected_pct: Decimal
    total: Realisation
    partners: list[PlanPartnerRow]


@dataclass
class PlanInfo(PlanFigures):
    """… and per action line, with its activities, milestones and indicators (the report's sections)."""

    lines: dict[str, PlanLine]  # by action line code


@dataclass
class ProgrammeFigures:
    """The programme's figures over a period: what the dashboard shows, and the first part of every report."""

    schema: int
    language: str
    period: PeriodInfo
    made_on: date
    made_on_label: str
    agreement: AgreementInfo | None
    totals: ReportTotals
    lines: list[LineRow]
    partners: list[PartnerRow]
    helices: list[HelixRow]
    kinds: KindShares
    plan: PlanFigures | None


@dataclass
class ReportChapters(ProgrammeFigures):
    """What a progress report's chapters show (the preview page): the programme's figures, and the adopted
    plan against realisation per action line with its activities, milestones and indicators."""

    plan: PlanInfo | None


@dataclass
class ReportData(ReportChapters):
    """Everything a progress report holds (its PDF, its XLSX, what an issued report keeps): its chapters, the
    approved value per month (cumulative, the chart over time) and the appendix of approved values per partner,
    month and action line."""

    months: list[MonthRow]
    appendix: list[AppendixTable]


@dataclass
class StatementData:
    """A partner's year statement: its approved figures per action line (from the report data of the year)."""

    partner: str
    year: int
    made_on_label: str
    lines: list[LineFigures]
    totals: Figures
    in_review: Figures | None = None


# --- JSON, for what is stored: written by data_to_json, read back into the same dataclasses -------------


def data_to_json(data: ReportData | StatementData) -> dict:
    """`data` as JSON-ready values (Decimals and dates as text), for Report.data and PartnerStatement.data."""
    return json.loads(json.dumps(asdict(data), cls=DjangoJSONEncoder))


def _load(kind: Any, value: Any) -> Any:
    """`value` (read from JSON) as an instance of the annotated type `kind`."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return _load(next(a for a in typing.get_args(kind) if a is not type(None)), value)
    if origin is list:
        return [_load(typing.get_args(kind)[0], item) for item in value]
    if origin is dict:
        return {name: _load(typing.get_args(kind)[1], item) for name, item in value.items()}
    if is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _load(hints[f.name], value[f.name]) for f in fields(kind) if f.name in value})  # type: ignore[operator]
    if kind is Decimal:
        return Decimal(value)
    if kind is date:
        return date.fromisoformat(value if len(value) > 7 else f"{value}-01")  # schema 1 months: "2026-07"
    return value


def report_data_from_json(raw: dict) -> ReportData:
    return _load(ReportData, raw)


def statement_data_from_json(raw: dict) -> StatementData:
    return _load(StatementData, raw)


# --- building it ------------------------------------------------------------------------------------


def _long(day: date) -> str:
    return date_format(day, "j F Y")


def _cents(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(CENT)


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


@dataclass
class _Reading:
    """What the dashboard and a report both read for a period (see `programme_figures`)."""

    today: date
    status: AgreementStatus
    lines: list[ActionLine]
    plan: AnnualPlan | None
    realised: figures.Totals | None  # the plan's realised figures, when they are those of the period
    partners: list[Partner]
    approved: dict[tuple[int, int], Figures]
    in_review: dict[tuple[int, int], Figures]


def _read(
    period: Period, today: date | None, status: AgreementStatus | None, lines: list[ActionLine] | None = None
) -> _Reading:
    today = today or timezone.localdate()
    status = status or agreement_status(on=today)
    year = period.starts_on.year
    lines = list(ActionLine.objects.all()) if lines is None else lines
    plan = adopted_plan(year)
    # When the period is the plan's year, one read serves the figures and plan against realisation.
    shared = plan is not None and (period.starts_on, period.ends_on) == (date(year, 1, 1), date(year, 12, 31))
    read = figures.totals(
        by=("partner", "action_line", "activity", "status"),
        statuses=SUBMITTED_OR_APPROVED,
        date_from=period.starts_on,
        date_to=period.ends_on,
    )
    approved: dict[tuple[int, int], Figures] = defaultdict(Figures)
    in_review: dict[tuple[int, int], Figures] = defaultdict(Figures)
    for (partner_id, line_id, _activity_id, row_status), found in read.rows.items():
        (approved if row_status == Status.APPROVED else in_review)[(partner_id, line_id)].add(found)
    return _Reading(
        today=today,
        status=status,
        lines=lines,
        plan=plan,
        realised=read.regrouped("action_line", "activity", "partner", "status") if shared else None,
        partners=_partners(period, status, {key[0] for key in read.rows}),
        approved=dict(approved),
        in_review=dict(in_review),
    )


def _programme(period: Period, language: str, reading: _Reading) -> dict:
    """The fields of ProgrammeFigures but the plan's."""
    approved, in_review, partners, lines = reading.approved, reading.in_review, reading.partners, reading.lines
    total_approved = Figures.sum(approved.values())
    return {
        "schema": SCHEMA,
        "language": language,
        "period": PeriodInfo(
            key=period.key,
            kind=period.kind,
            label=period.label(),
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            starts_on_label=_long(period.starts_on),
            ends_on_label=_long(period.ends_on),
        ),
        "made_on": reading.today,
        "made_on_label": _long(reading.today),
        "agreement": _agreement(period, reading.today, reading.status),
        "totals": ReportTotals(approved=total_approved, in_review=Figures.sum(in_review.values())),
        "lines": [_line_row(line, partners, approved, in_review) for line in lines],
        "partners": [_partner_row(p, lines, approved, in_review) for p in partners],
        "helices": _helices(partners, approved),
        "kinds": _kinds(total_approved),
    }


def programme_figures(
    *, period: Period, language: str = "nl", today: date | None = None, status: AgreementStatus | None = None
) -> ProgrammeFigures:
    """The programme's figures over `period`, in `language`: what the dashboard shows.

    Only approved contributions count; submitted ones are reported apart as "in review". Every figure comes
    from one `figures.totals` read of the contribution summary (whose cost does not grow with the
    contributions), per partner × line × activity × status, which plan against realisation shares when the
    period is the plan's year. Besides: the action lines, the adopted plan of the period's year and its
    pledges. `status` is `agreement_status(on=today)` when the caller has it already.
    """
    with translation.override(language):
        reading = _read(period, today, status)
        plan = None
        if reading.plan is not None:
            progress = plan_progress(reading.plan, on=reading.today, **_plan_inputs(reading))
            plan = PlanFigures(**_plan_figures(progress))
        return ProgrammeFigures(**_programme(period, language, reading), plan=plan)


def programme_months(*, period: Period, language: str = "nl") -> list[MonthRow]:
    """Per month of `period` the approved value up to and including it (one summary read): the dashboard's
    chart over time."""
    with translation.override(language):
        per_month = figures.totals(
            by=("month",), statuses=(Status.APPROVED,), date_from=period.starts_on, date_to=period.ends_on
        )
        return _cumulative(period, {month: (f.in_kind_value, f.funded) for (month,), f in per_month.rows.items()})


def report_chapters(
    *,
    period: Period,
    language: str = "nl",
    today: date | None = None,
    status: AgreementStatus | None = None,
    lines: list[ActionLine] | None = None,
) -> ReportChapters:
    """What the chapters of a progress report for `period` show, in `language`: the programme's figures (as
    `programme_figures` reads them) and the adopted plan against realisation per action line, with its
    activities, milestones and indicators. The preview page of a report in progress. `lines`: the action
    lines when the caller has read them already (the page's form)."""
    with translation.override(language):
        reading = _read(period, today, status, lines)
        return ReportChapters(**_programme(period, language, reading), plan=_plan_of(reading))


def report_data(
    *, period: Period, language: str = "nl", today: date | None = None, status: AgreementStatus | None = None
) -> ReportData:
    """Everything a progress report for `period` holds, in `language`: its chapters (`report_chapters`), and
    per partner, month and line the approved value (one more summary read), which gives the appendix and the
    series per month. The PDF, the XLSX and the figures an issued report keeps."""
    with translation.override(language):
        reading = _read(period, today, status)
        per_month = figures.totals(
            by=("partner", "action_line", "month"),
            statuses=(Status.APPROVED,),
            date_from=period.starts_on,
            date_to=period.ends_on,
        )
        monthly = {key: (found.in_kind_value, found.funded) for key, found in per_month.rows.items()}
        by_month: dict[date, tuple[Decimal, Decimal]] = {}
        for (_p, _l, month), (k, f) in monthly.items():
            in_kind, funded = by_month.get(month, (ZERO, ZERO))
            by_month[month] = (in_kind + k, funded + f)
        return ReportData(
            **_programme(period, language, reading),
            plan=_plan_of(reading),
            months=_cumulative(period, by_month),
            appendix=_appendix(period, reading.partners, reading.lines, monthly),
        )


def _plan_of(reading: _Reading) -> PlanInfo | None:
    if reading.plan is None:
        return None
    realisation = plan_realisation(reading.plan, on=reading.today, **_plan_inputs(reading))
    return _plan(realisation, reading.lines, reading.today)


def _plan_inputs(reading: _Reading) -> dict:
    return {
        "status": reading.status,
        "lines": reading.lines,
        "partners": reading.partners,
        "realised": reading.realised,
    }


def _partners(period: Period, status: AgreementStatus, with_contributions: set[int]) -> list[Partner]:
    """The agreement's parties plus every partner with contributions in the period (LSI, a leaver), by name."""
    if period.agreement is not None and status.agreement is not None and period.agreement.pk == status.agreement.pk:
        parties = [party.partner for party in status.parties]
    elif period.agreement is not None:
        parties = [link.partner for link in period.agreement.party_links.select_related("partner")]
    else:
        parties = []
    return partners_by_name(with_contributions | {partner.pk for partner in parties}, parties)


def _agreement(period: Period, today: date, status: AgreementStatus) -> AgreementInfo | None:
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
    return AgreementInfo(
        title=agreement.title,
        starts_on_label=_long(agreement.starts_on),
        ends_on=agreement.ends_on,
        ends_on_label=_long(agreement.ends_on),
        signed_on_label=_long(agreement.signed_on) if agreement.signed_on else "",
        days_left=days_left,  # type: ignore[arg-type]
        has_ended=has_ended,
        countdown=str(countdown),
        successor=Successor(successor.title, _long(successor.starts_on)) if successor else None,
        parties=[
            Party(
                name=party.partner.name,
                helix=str(party.partner.get_helix_display()),
                joined_on_label=_long(party.joined_on),
                left_on_label=_long(party.left_on) if party.left_on else "",
            )
            for party in parties
        ],
    )


def _line_row(line: ActionLine, partners: list[Partner], approved: dict, in_review: dict) -> LineRow:
    per_partner = [PartnerFigures(p.pk, p.name, approved.get((p.pk, line.pk), Figures())) for p in partners]
    return LineRow(
        id=line.pk,
        code=line.code,
        name=line.name,
        goal=line.goal,
        totals=Figures.sum(row.figures for row in per_partner),
        in_review=Figures.sum(f for (_p, line_id), f in in_review.items() if line_id == line.pk),
        partners=per_partner,
    )


def _partner_row(partner: Partner, lines: list[ActionLine], approved: dict, in_review: dict) -> PartnerRow:
    return PartnerRow(
        id=partner.pk,
        name=partner.name,
        short_name=partner.short_name,
        helix=str(partner.get_helix_display()),
        totals=Figures.sum(approved.get((partner.pk, line.pk), Figures()) for line in lines),
        in_review=Figures.sum(f for (p, _l), f in in_review.items() if p == partner.pk),
        lines=[
            LineFigures(line.code, line.name, approved[(partner.pk, line.pk)])
            for line in lines
            if (partner.pk, line.pk) in approved
        ],
    )


def _helices(partners: list[Partner], approved: dict) -> list[HelixRow]:
    labels = helix_group_labels()
    rows = []
    for key, members in HELIX_GROUPS:
        ids = {p.pk for p in partners if p.helix in members}
        found = Figures.sum(f for (p, _l), f in approved.items() if p in ids)
        if ids or found.count:
            rows.append(HelixRow(key=key, label=str(labels[key]), partners=len(ids), figures=found))
    return rows


def _kinds(total: Figures) -> KindShares:
    whole = total.total_value
    if not whole:
        return KindShares(_cents(ZERO), _cents(ZERO))
    return KindShares(_cents(total.in_kind_value * 100 / whole), _cents(total.funded * 100 / whole))


def _cumulative(period: Period, by_month: dict[date, tuple[Decimal, Decimal]]) -> list[MonthRow]:
    """Per month of the period the approved value up to and including it (from the in-kind and funded value
    per month)."""
    rows, in_kind, funded = [], ZERO, ZERO
    one_year = period.starts_on.year == period.ends_on.year
    for month in _months(period.starts_on, period.ends_on):
        k, f = by_month.get(month, (ZERO, ZERO))
        in_kind, funded = in_kind + k, funded + f
        rows.append(
            MonthRow(
                month=month,
                label=date_format(month, "F Y"),
                short=date_format(month, "M" if one_year else "M y"),
                in_kind_value=_cents(in_kind),
                funded=_cents(funded),
            )
        )
    return rows


def _appendix(period: Period, partners: list[Partner], lines: list[ActionLine], monthly: dict) -> list[AppendixTable]:
    """Per partner of the period a table: a row per month with the approved value per action line, and totals."""
    months = [(month, date_format(month, "F Y")) for month in _months(period.starts_on, period.ends_on)]
    tables = []
    for partner in partners:
        rows, line_totals = [], [ZERO] * len(lines)
        for month, label in months:
            values = [sum(monthly.get((partner.pk, line.pk, month), (ZERO, ZERO)), ZERO) for line in lines]
            # Every month, also empty ones: the appendix is as long for 100 contributions as for 100,000.
            rows.append(AppendixRow(month, label, [_cents(v) for v in values], _cents(sum(values, ZERO))))
            line_totals = [a + b for a, b in zip(line_totals, values, strict=True)]
        tables.append(
            AppendixTable(
                partner=partner.name,
                rows=rows,
                totals=[_cents(v) for v in line_totals],
                total=_cents(sum(line_totals, ZERO)),
            )
        )
    return tables


def _realisation(row) -> dict:
    """The fields of `Realisation` for a row of actionlines.selectors.plan_realisation."""
    return {
        "pledged_hours": _cents(row.pledged.hours),
        "pledged_value": _cents(row.pledged.total_value),
        "approved_hours": _cents(row.approved.hours),
        "approved_value": _cents(row.approved.total_value),
        "in_review_value": _cents(row.submitted.total_value),
        "pct": row.pct_total if row.pledged.total_value else row.pct_hours,
        "progress": row.progress,
        "progress_label": row.progress_label,
    }


def _plan_figures(progress: PlanProgress) -> dict:
    """The fields of PlanFigures from actionlines.selectors.plan_progress (or plan_realisation)."""
    plan = progress.plan
    return {
        "year": plan.year,
        "version": plan.version,
        "adopted_on_label": _long(timezone.localdate(plan.adopted_at)) if plan.adopted_at else "",
        "as_of_label": _long(progress.on),
        "expected_pct": progress.expected_pct,
        "total": Realisation(**_realisation(progress.total)),
        "partners": [
            PlanPartnerRow(name=row.subject.name, forecast_label=row.forecast_label, **_realisation(row))
            for row in progress.partners
        ],
    }


def _plan(realisation: PlanRealisation, lines: list[ActionLine], today: date) -> PlanInfo:
    """The adopted annual plan against realisation (actionlines.selectors.plan_realisation), with its sections
    per action line: activities, milestones and indicators (these last with their latest actual: one query)."""
    plan = realisation.plan
    by_line = {row.subject.pk: row for row in realisation.lines}
    statuses = dict(MilestoneStatus.choices)
    activities: dict[int, list[PlanActivityRow]] = defaultdict(list)
    for row in sorted(realisation.activities, key=lambda r: _activity_order(r.subject)):
        activity = row.subject
        activities[activity.action_line_id].append(
            PlanActivityRow(
                title=activity.title,
                lead=activity.lead_partner.name if activity.lead_partner else "",
                period_label=date_format(activity.starts_on, "j M") + " – " + _long(activity.ends_on),
                budget=_cents(activity.budget),
                **_realisation(row),
            )
        )
    milestones: dict[int, list[PlanMilestoneRow]] = defaultdict(list)
    by_due_date = sorted(realisation.milestones, key=lambda m: (m.due_on, _activity_order(m.activity), m.pk))
    for milestone in by_due_date:
        shown = milestone.shown_status(today)
        milestones[milestone.activity.action_line_id].append(
            PlanMilestoneRow(
                title=milestone.title,
                activity=milestone.activity.title,
                due_on=milestone.due_on,
                due_on_label=_long(milestone.due_on),
                status=shown,
                status_label=str(statuses.get(shown, shown)),
            )
        )
    indicators: dict[int, list[PlanIndicatorRow]] = defaultdict(list)
    for indicator in indicators_with_latest_actual(plan):
        indicators[indicator.action_line_id].append(
            PlanIndicatorRow(
                name=indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline,
                target=indicator.target,
                actual=indicator.latest_value,  # type: ignore[attr-defined]
                actual_period=indicator.latest_period or "",  # type: ignore[attr-defined]
            )
        )
    return PlanInfo(
        **_plan_figures(realisation),
        lines={
            line.code: PlanLine(
                realisation=Realisation(**_realisation(by_line[line.pk])) if line.pk in by_line else None,
                activities=activities[line.pk],
                milestones=milestones[line.pk],
                indicators=indicators[line.pk],
            )
            for line in lines
        },
    )


def _activity_order(activity) -> tuple:
    """The order of a plan's activities (Activity.Meta.ordering: by line, start, title)."""
    return (activity.action_line.ordering, activity.starts_on, activity.title, activity.pk)


def statement_of(data: ProgrammeFigures, partner_id: int) -> PartnerRow | None:
    """The partner's row of the report data, if it has one."""
    return next((row for row in data.partners if row.id == partner_id), None)


def upcoming_deadlines(*, today: date, limit: int = 4) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(deadline__gte=today).order_by("deadline")[:limit])


@dataclass
class Dashboard:
    today: date
    period: Period
    data: ProgrammeFigures
    status: object
    deadlines: list[ReportingPeriod]
    milestones: list
    show_partners: bool
    own_partners: list[PartnerRow] = field(default_factory=list)


def dashboard_data(*, today: date | None = None, show_partners: bool, own_partner_ids: Iterable[int]) -> Dashboard:
    """The programme dashboard: the programme's figures over the current agreement's term (or this year),
    upcoming deadlines and milestones. `show_partners` False hides other partners' rows (a representative sees the
    programme totals and, in detail, only `own_partner_ids`)."""
    from actionlines.selectors import milestones_needing_attention

    today = today or timezone.localdate()
    status = agreement_status(on=today)
    period = agreement_period(status.agreement) if status.agreement else parse_period(str(today.year), today=today)
    language = translation.get_language() or "nl"
    data = programme_figures(period=period, language=language, today=today, status=status)
    own = set(own_partner_ids)
    return Dashboard(
        today=today,
        period=period,
        data=data,
        status=status,
        deadlines=upcoming_deadlines(today=today),
        milestones=list(milestones_needing_attention(on=today)[:8]),
        show_partners=show_partners,
        own_partners=[p for p in data.partners if p.id in own],
    )
