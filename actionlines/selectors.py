"""Read models of the annual plan: the one place plan figures are computed.

Plan against realisation, the agreement-boundary warnings, the version comparison and the director's
overview are computed here, so the pages, the PDF, the XLSX export and the reports always agree.
Every function runs a fixed number of queries, whatever the number of activities or contributions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionlines.models import (
    OPEN_PLAN_STATUSES,
    ActionLine,
    Activity,
    AnnualPlan,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Milestone,
    MultiYearTarget,
    PlanComment,
    PlanPDF,
    PlanPDFStatus,
    PlanStatus,
    Pledge,
)
from contributions import figures
from contributions.figures import Figures
from contributions.models import SUBMITTED_OR_APPROVED, Contribution, ReportingPeriod, Status
from partners.models import Partner
from partners.selectors import AgreementStatus, agreement_status, partners_by_name

ZERO = Decimal("0")
HUNDRED = Decimal("100")
DUE_SOON_DAYS = 30


# --- Which plan ------------------------------------------------------------------------------------


def adopted_plan(year: int) -> AnnualPlan | None:
    """The adopted (current) version of the plan of `year`, if any."""
    return AnnualPlan.objects.adopted().for_year(year).first()


def plan_versions(year: int) -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.for_year(year).order_by("version").select_related("adopted_by")


def plan_pdf_state(plan: AnnualPlan) -> dict[str, PlanPDF | None]:
    """What the plan page shows of its PDF: the latest request ("pdf") and the latest ready PDF ("ready").
    One query: old requests are pruned when a PDF is made, so a plan has few."""
    requests = list(plan.pdfs.order_by("-requested_at", "-id"))
    ready = next((r for r in requests if r.status == PlanPDFStatus.READY), None)
    return {"pdf": requests[0] if requests else None, "ready": ready}


# --- Plan contents (detail page, PDF, XLSX) --------------------------------------------------------


@dataclass
class Pledged:
    """Planned in-kind hours, in-kind value and money."""

    hours: Decimal = ZERO
    in_kind_value: Decimal = ZERO
    money: Decimal = ZERO

    @property
    def total_value(self) -> Decimal:
        return self.in_kind_value + self.money

    def add(self, pledge: "Pledge | Pledged") -> None:
        self.hours += pledge.hours
        self.in_kind_value += pledge.in_kind_value
        self.money += pledge.money


@dataclass
class LineSection:
    action_line: ActionLine
    target: MultiYearTarget | None
    activities: list[Activity] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    pledged: Pledged = field(default_factory=Pledged)
    budget: Decimal = ZERO


@dataclass
class PlanContents:
    plan: AnnualPlan
    sections: list[LineSection]
    pledged: Pledged
    budget: Decimal
    activity_count: int
    open_comments: int


def plan_contents(plan: AnnualPlan, *, action_line: ActionLine | None = None) -> PlanContents:
    """The plan per action line: activities (with pledges, milestones and comments), indicators (with
    actuals and targets per period), the multi-year target of the year and the pledge totals. Eight queries."""
    lines = list(ActionLine.objects.all() if action_line is None else ActionLine.objects.filter(pk=action_line.pk))
    targets = {t.action_line_id: t for t in MultiYearTarget.objects.filter(year=plan.year)}
    activities = (
        plan.activities.select_related("action_line", "lead_partner")
        .prefetch_related(
            Prefetch("pledges", queryset=Pledge.objects.select_related("partner")),
            Prefetch("milestones", queryset=Milestone.objects.select_related("owner")),
            Prefetch("comments", queryset=PlanComment.objects.select_related("author", "resolved_by")),
        )
        .order_by("action_line__ordering", "starts_on", "title", "id")
    )
    indicators = plan.indicators.prefetch_related(
        Prefetch("actuals", queryset=IndicatorActual.objects.select_related("period")),
        Prefetch("targets", queryset=IndicatorTarget.objects.select_related("period")),
    )
    sections = {line.pk: LineSection(action_line=line, target=targets.get(line.pk)) for line in lines}
    total, budget, count, open_comments = Pledged(), ZERO, 0, 0
    for activity in activities:
        section = sections.get(activity.action_line_id)
        if section is None:
            continue
        activity.pledged = Pledged()  # type: ignore[attr-defined]
        for pledge in activity.pledges.all():
            activity.pledged.add(pledge)  # type: ignore[attr-defined]
        section.activities.append(activity)
        section.pledged.add(activity.pledged)  # type: ignore[attr-defined]
        section.budget += activity.budget
        total.add(activity.pledged)  # type: ignore[attr-defined]
        budget += activity.budget
        count += 1
        open_comments += sum(1 for c in activity.comments.all() if not c.is_resolved)
    for indicator in indicators:
        if indicator.action_line_id in sections:
            indicator.actual_list = list(indicator.actuals.all())  # type: ignore[attr-defined]
            indicator.latest_actual = indicator.actual_list[-1] if indicator.actual_list else None  # type: ignore[attr-defined]
            indicator.target_list = list(indicator.targets.all())  # type: ignore[attr-defined]
            sections[indicator.action_line_id].indicators.append(indicator)
    return PlanContents(
        plan=plan,
        sections=list(sections.values()),
        pledged=total,
        budget=budget,
        activity_count=count,
        open_comments=open_comments,
    )


def indicators_with_latest_actual(plan: AnnualPlan) -> QuerySet[Indicator]:
    """The plan's indicators (by line and name), each with `latest_value` and `latest_period` (the name of its
    period): the actual of the latest reporting period, or None. One query."""
    latest = IndicatorActual.objects.filter(indicator=OuterRef("pk")).order_by("-period__starts_on")
    return plan.indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]), latest_period=Subquery(latest.values("period__name")[:1])
    )


# --- The agreement boundary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Boundary:
    """Where the plan reaches past the end of the current agreement while no successor is recorded."""

    status: AgreementStatus
    limit: date | None
    plan_beyond: bool
    activity_ids: frozenset[int]
    milestone_ids: frozenset[int]

    @property
    def applies(self) -> bool:
        return self.limit is not None

    @property
    def has_warnings(self) -> bool:
        return self.plan_beyond or bool(self.activity_ids) or bool(self.milestone_ids)

    def activity_past(self, activity: Activity) -> bool:
        return activity.pk in self.activity_ids


def plan_boundary(
    plan: AnnualPlan, *, on: date | None = None, status: AgreementStatus | None = None, realisation=None
) -> Boundary:
    """Which activities, milestones (and so pledges) of `plan` end after the current agreement when no
    successor agreement exists; `plan_beyond` when the whole plan year lies past it (a 2027 plan).

    `status` is `agreement_status(on=on)` when the caller has it; with the plan's `realisation` (which holds its
    activities and milestones) no further query is made."""
    status = status or agreement_status(on=on)
    if status.agreement is None or status.successor is not None:
        return Boundary(status, None, False, frozenset(), frozenset())
    limit = status.agreement.ends_on
    if realisation is not None:
        activity_ids = frozenset(row.subject.pk for row in realisation.activities if row.subject.ends_on > limit)
        milestone_ids = frozenset(m.pk for m in realisation.milestones if m.due_on > limit)
    else:
        activity_ids = frozenset(plan.activities.filter(ends_on__gt=limit).values_list("pk", flat=True))
        milestone_ids = frozenset(
            Milestone.objects.filter(activity__plan=plan, due_on__gt=limit).values_list("pk", flat=True)
        )
    return Boundary(status, limit, date(plan.year, 1, 1) > limit, activity_ids, milestone_ids)


# --- Plan against realisation ------------------------------------------------------------------------


class Progress:
    """The status of a row in words (the page adds a matching CSS class; colour is never the only signal)."""

    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_STARTED = "not_started"
    NO_PLEDGE = "no_pledge"
    WITHOUT_PLEDGE = "without_pledge"

    LABELS = {
        MET: _("Met"),
        ON_TRACK: _("On track"),
        BEHIND: _("Behind"),
        NOT_STARTED: _("Not started yet"),
        NO_PLEDGE: _("Nothing pledged"),
        WITHOUT_PLEDGE: _("Contributed without a pledge"),
    }


class Forecast:
    MET = "met"
    WILL_MEET = "will_meet"
    WILL_NOT_MEET = "will_not_meet"
    NO_PLEDGE = "no_pledge"
    NOT_STARTED = "not_started"

    LABELS = {
        MET: _("Pledges met"),
        WILL_MEET: _("Will be met at this pace"),
        WILL_NOT_MEET: _("Will not be met at this pace"),
        NO_PLEDGE: _("Nothing pledged"),
        NOT_STARTED: _("Too early to tell"),
    }


def percentage(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a whole percentage of `whole`; None when nothing was pledged (never a division by zero)."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def elapsed_fraction(start: date, end: date, on: date) -> Decimal:
    """How much of [start, end] has passed on `on` (0 before, 1 after), counting whole days."""
    if on < start:
        return ZERO
    if on >= end:
        return Decimal("1")
    return Decimal((on - start).days + 1) / Decimal((end - start).days + 1)


def on_track(pledged: Pledged, approved: Figures, expected: Decimal) -> str:
    """The one on-track rule of every row (an activity, an action line, a partner, the total): what was approved
    against what was pledged, given the share `expected` of the row's period that has passed."""
    pledge, realised = pledged.total_value, approved.total_value
    if not pledge:  # hours-only pledges are judged on hours
        pledge, realised = pledged.hours, approved.hours
    if not pledge:
        return Progress.WITHOUT_PLEDGE if approved.count else Progress.NO_PLEDGE
    if realised >= pledge:
        return Progress.MET
    if expected == 0:
        return Progress.NOT_STARTED
    return Progress.ON_TRACK if realised >= pledge * expected else Progress.BEHIND


def _weight(pledged: Pledged) -> Decimal:
    return pledged.total_value or pledged.hours


@dataclass
class RealisationRow:
    """Pledged against approved (and, separately, submitted) contributions for one line, activity or partner."""

    subject: Any  # an action line, activity, partner or plan
    pledged: Pledged
    approved: Figures
    submitted: Figures
    expected: Decimal  # the fraction of the period that has passed
    forecast: str | None = None
    projected_value: Decimal | None = None
    unlinked: Figures = field(default_factory=Figures)  # a line's approved items linked to none of its activities

    @property
    def pct_hours(self) -> Decimal | None:
        return percentage(self.approved.hours, self.pledged.hours)

    @property
    def pct_money(self) -> Decimal | None:
        return percentage(self.approved.funded, self.pledged.money)

    @property
    def pct_total(self) -> Decimal | None:
        return percentage(self.approved.total_value, self.pledged.total_value)

    @property
    def pct_submitted(self) -> Decimal | None:
        return percentage(self.submitted.total_value, self.pledged.total_value)

    @property
    def progress(self) -> str:
        return on_track(self.pledged, self.approved, self.expected)

    @property
    def progress_label(self) -> str:
        return str(Progress.LABELS[self.progress])

    @property
    def forecast_label(self) -> str:
        return str(Forecast.LABELS[self.forecast]) if self.forecast else ""


@dataclass
class PlanProgress:
    """Pledged against realised per action line and partner, and in total."""

    plan: AnnualPlan
    on: date
    starts_on: date
    ends_on: date  # the end of the agreement within the plan year (or 31 December)
    expected: Decimal
    lines: list[RealisationRow]
    partners: list[RealisationRow]
    total: RealisationRow

    @property
    def expected_pct(self) -> Decimal:
        return (self.expected * HUNDRED).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass
class PlanRealisation(PlanProgress):
    """The progress, and per activity too, with the plan's milestones."""

    activities: list[RealisationRow] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)  # every milestone of the plan, by due date

    @property
    def overdue_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones if m.is_overdue(self.on)]


def _window(plan: AnnualPlan, status: AgreementStatus) -> tuple[date, date]:
    """From 1 January of the plan year to the agreement's end (if it ends within the year) or 31 December."""
    start, end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    agreement = status.agreement
    if agreement is not None and start <= agreement.ends_on < end:
        end = agreement.ends_on
    if agreement is not None and start < agreement.starts_on <= end:
        start = agreement.starts_on
    return start, end


def _forecast(row: RealisationRow, *, start: date, end: date, on: date) -> None:
    pledged, realised = row.pledged.total_value, row.approved.total_value
    if not pledged:
        row.forecast = Forecast.NO_PLEDGE
        return
    if realised >= pledged:
        row.forecast, row.projected_value = Forecast.MET, realised
        return
    if on < start:
        row.forecast = Forecast.NOT_STARTED
        return
    elapsed = (min(on, end) - start).days + 1
    total = (end - start).days + 1
    row.projected_value = (realised * total / elapsed).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    row.forecast = Forecast.WILL_MEET if row.projected_value >= pledged else Forecast.WILL_NOT_MEET


def _realised(plan: AnnualPlan) -> figures.Totals:
    """The approved and submitted figures of the contributions dated in the plan's year, by action line,
    activity, partner and status (one summary read)."""
    return figures.totals(
        by=("action_line", "activity", "partner", "status"),
        statuses=SUBMITTED_OR_APPROVED,
        date_from=date(plan.year, 1, 1),
        date_to=date(plan.year, 12, 31),
    )


def _realised_row(
    subject: object, done: dict, kind: str, key: object, pledged: Pledged, expected: Decimal
) -> RealisationRow:
    return RealisationRow(
        subject=subject,
        pledged=pledged,
        approved=done.get((kind, key, Status.APPROVED), Figures()),
        submitted=done.get((kind, key, Status.SUBMITTED), Figures()),
        expected=expected,
    )


def plan_progress(
    plan: AnnualPlan,
    *,
    on: date | None = None,
    status: AgreementStatus | None = None,
    lines: list[ActionLine] | None = None,
    partners: list[Partner] | None = None,
    realised: figures.Totals | None = None,
) -> PlanProgress:
    """Plan against realisation per action line and partner, and in total, for the contributions dated in the
    plan's year: pledged hours, value and money against APPROVED and, separately, SUBMITTED contributions. Per
    partner, a forecast whether its pledges are met by the end of the agreement (or of the year) at the pace of
    its approved contributions so far.

    A line's row is the sum of its activities' rows (pledges are made to activities), judged by the same
    `on_track` rule with their pledge-weighted share of time passed, so a line and its activities cannot
    contradict each other; what was approved on the line without an activity is the line's `unlinked`.

    Queries, whatever the number of rows: the plan's pledges, the activities of the plan's year, and what the
    caller does not pass: `status` (`agreement_status(on=on)`, two), `lines` (every action line), `partners`
    (partners the caller has read, by name; the agreement's parties otherwise: the partners shown are read only
    when they hold others) and `realised` (see `_realised`).
    """
    realised = _realised(plan) if realised is None else realised
    progress, _activities = _progress(
        plan, on, status, lines, partners, realised, _pledges(plan), _year_activities(plan)
    )
    return progress


def _year_activities(plan: AnnualPlan) -> list[Activity]:
    """Every activity of the plan's year (any version): the plan's own, and the keys that let links to another
    version count (one query)."""
    return list(Activity.objects.filter(plan__year=plan.year).select_related("action_line", "lead_partner"))


def _pledges(plan: AnnualPlan) -> list[tuple]:
    """The plan's pledges as (activity, action line, partner, hours, in-kind value, money) (one query)."""
    return list(
        Pledge.objects.filter(activity__plan=plan).values_list(
            "activity_id", "activity__action_line_id", "partner_id", "hours", "in_kind_value", "money"
        )
    )


def _activity_rows(
    plan: AnnualPlan,
    year_activities: list[Activity],
    realised: figures.Totals,
    pledges: list[tuple],
    *,
    start: date,
    end: date,
    on: date,
) -> list[RealisationRow]:
    """Per activity of the plan: its pledges against the contributions linked to it or to the same activity in
    another version of the plan (they share a key), over the activity's own time within [start, end]."""
    pledged: dict[int, Pledged] = defaultdict(Pledged)
    for activity_id, _line_id, _partner_id, hours, value, money in pledges:
        pledged[activity_id].add(Pledged(hours, value, money))
    key_of = {a.pk: a.key for a in year_activities}
    done: dict[tuple[str, object, str], Figures] = defaultdict(Figures)
    for (_line_id, activity_id, _partner_id, row_status), found in realised.rows.items():
        if activity_id is not None and activity_id in key_of:
            done[("key", key_of[activity_id], row_status)].add(found)
    rows = []
    for a in year_activities:
        if a.plan_id != plan.pk:
            continue
        a_start = max(a.starts_on, start)
        expected = elapsed_fraction(a_start, max(min(a.ends_on, end), a_start), on)
        rows.append(_realised_row(a, done, "key", a.key, pledged[a.pk], expected))
    return rows


def _line_row(
    line: ActionLine, activity_rows: list[RealisationRow], on_line: dict, expected: Decimal
) -> RealisationRow:
    """The sum of the line's activity rows; a line without activities in the plan has nothing pledged."""
    own = [row for row in activity_rows if row.subject.action_line_id == line.pk]
    approved_all = on_line.get((line.pk, Status.APPROVED), Figures())
    if not own:
        return RealisationRow(
            subject=line,
            pledged=Pledged(),
            approved=approved_all,
            submitted=on_line.get((line.pk, Status.SUBMITTED), Figures()),
            expected=expected,
        )
    row = RealisationRow(subject=line, pledged=Pledged(), approved=Figures(), submitted=Figures(), expected=ZERO)
    weights = ZERO
    for activity_row in own:
        row.pledged.add(activity_row.pledged)
        row.approved.add(activity_row.approved)
        row.submitted.add(activity_row.submitted)
        weights += _weight(activity_row.pledged)
        row.expected += _weight(activity_row.pledged) * activity_row.expected
    row.expected = row.expected / weights if weights else max(r.expected for r in own)
    row.unlinked = Figures(
        hours=approved_all.hours - row.approved.hours,
        in_kind_value=approved_all.in_kind_value - row.approved.in_kind_value,
        funded=approved_all.funded - row.approved.funded,
        count=approved_all.count - row.approved.count,
    )
    return row


def _progress(
    plan: AnnualPlan,
    on: date | None,
    status: AgreementStatus | None,
    lines: list[ActionLine] | None,
    partners: list[Partner] | None,
    realised: figures.Totals,
    pledges: list[tuple],
    year_activities: list[Activity],
) -> tuple[PlanProgress, list[RealisationRow]]:
    on = on or timezone.localdate()
    status = status or agreement_status(on=on)
    start, end = _window(plan, status)
    expected = elapsed_fraction(start, end, on)
    pledged_partner: dict[int, Pledged] = defaultdict(Pledged)
    total_pledged = Pledged()
    for _activity_id, _line_id, partner_id, hours, value, money in pledges:
        amounts = Pledged(hours, value, money)
        pledged_partner[partner_id].add(amounts)
        total_pledged.add(amounts)
    done: dict[tuple[str, object, str], Figures] = defaultdict(Figures)
    on_line: dict[tuple[int, str], Figures] = defaultdict(Figures)
    for (line_id, _activity_id, partner_id, row_status), found in realised.rows.items():
        on_line[(line_id, row_status)].add(found)
        done[("partner", partner_id, row_status)].add(found)
        done[("all", None, row_status)].add(found)
    activity_rows = _activity_rows(plan, year_activities, realised, pledges, start=start, end=end, on=on)

    lines = list(ActionLine.objects.all()) if lines is None else lines
    shown = set(pledged_partner) | {key for kind, key, _s in done if kind == "partner"}
    shown |= {p.partner_id for p in status.parties} if status.agreement else set()
    known = [party.partner for party in status.parties] if partners is None else partners
    partner_rows = []
    for partner in partners_by_name(shown, known):  # type: ignore[arg-type]
        partner_row = _realised_row(partner, done, "partner", partner.pk, pledged_partner[partner.pk], expected)
        _forecast(partner_row, start=start, end=end, on=on)
        partner_rows.append(partner_row)
    progress = PlanProgress(
        plan=plan,
        on=on,
        starts_on=start,
        ends_on=end,
        expected=expected,
        lines=[_line_row(line, activity_rows, on_line, expected) for line in lines],
        partners=partner_rows,
        total=_realised_row(plan, done, "all", None, total_pledged, expected),
    )
    return progress, activity_rows


def plan_realisation(
    plan: AnnualPlan,
    *,
    on: date | None = None,
    status: AgreementStatus | None = None,
    lines: list[ActionLine] | None = None,
    partners: list[Partner] | None = None,
    realised: figures.Totals | None = None,
) -> PlanRealisation:
    """`plan_progress`, and per activity, with the plan's milestones (one more query: the plan's milestones;
    the pledges and the activities are read once for both)."""
    realised = _realised(plan) if realised is None else realised
    progress, activity_rows = _progress(
        plan, on, status, lines, partners, realised, _pledges(plan), _year_activities(plan)
    )
    milestones = Milestone.objects.filter(activity__plan=plan).select_related("activity__action_line", "owner")
    return PlanRealisation(
        **{f.name: getattr(progress, f.name) for f in dataclass_fields(PlanProgress)},
        activities=activity_rows,
        milestones=list(milestones.order_by("due_on", "id")),
    )


# --- Version comparison --------------------------------------------------------------------------------


class Change:
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"

    LABELS = {ADDED: _("Added"), REMOVED: _("Removed"), CHANGED: _("Changed"), SAME: _("Unchanged")}


@dataclass
class ComparedItem:
    """One activity or indicator in two versions, with the names of the fields that differ."""

    left: object | None
    right: object | None
    changed_fields: list[str]

    @property
    def change(self) -> str:
        if self.left is None:
            return Change.ADDED
        if self.right is None:
            return Change.REMOVED
        return Change.CHANGED if self.changed_fields else Change.SAME

    @property
    def change_label(self) -> str:
        return str(Change.LABELS[self.change])

    @property
    def title(self) -> str:
        return str(self.right or self.left)


@dataclass
class PlanComparison:
    left: AnnualPlan
    right: AnnualPlan
    activities: list[ComparedItem]
    indicators: list[ComparedItem]
    left_contents: PlanContents
    right_contents: PlanContents

    @property
    def changed_count(self) -> int:
        return sum(1 for item in [*self.activities, *self.indicators] if item.change != Change.SAME)


ACTIVITY_FIELDS = {
    "title": _("title"),
    "description": _("description"),
    "action_line_id": _("action line"),
    "lead_partner_id": _("lead partner"),
    "starts_on": _("start"),
    "ends_on": _("end"),
    "budget": _("budget"),
    "funder": _("funder"),
}
INDICATOR_FIELDS = {"name": _("name"), "unit": _("unit"), "baseline": _("baseline"), "target": _("target")}


def _pledge_map(activity: Activity) -> dict[int, tuple]:
    return {p.partner_id: (p.hours, p.in_kind_value, p.money) for p in activity.pledges.all()}


def _milestone_map(activity: Activity) -> dict:
    return {m.key: (m.title, m.due_on, m.owner_id) for m in activity.milestones.all()}


def _compare_activities(left: Activity, right: Activity) -> list[str]:
    changed = [str(label) for name, label in ACTIVITY_FIELDS.items() if getattr(left, name) != getattr(right, name)]
    if _pledge_map(left) != _pledge_map(right):
        changed.append(str(_("pledges")))
    if _milestone_map(left) != _milestone_map(right):
        changed.append(str(_("milestones")))
    return changed


def _compare_indicators(left: Indicator, right: Indicator) -> list[str]:
    return [str(label) for name, label in INDICATOR_FIELDS.items() if getattr(left, name) != getattr(right, name)]


def _pair(left_items: list, right_items: list, compare) -> list[ComparedItem]:
    left_by_key = {item.key: item for item in left_items}
    right_by_key = {item.key: item for item in right_items}
    result = []
    for item in right_items:
        other = left_by_key.get(item.key)
        result.append(ComparedItem(other, item, compare(other, item) if other else []))
    result += [ComparedItem(item, None, []) for item in left_items if item.key not in right_by_key]
    return result


def plan_compare(left: AnnualPlan, right: AnnualPlan) -> PlanComparison:
    """Two versions (or two years) side by side: activities and indicators matched by their shared key."""
    left_contents, right_contents = plan_contents(left), plan_contents(right)

    def flat(contents: PlanContents, attr: str) -> list:
        return [item for section in contents.sections for item in getattr(section, attr)]

    return PlanComparison(
        left=left,
        right=right,
        activities=_pair(flat(left_contents, "activities"), flat(right_contents, "activities"), _compare_activities),
        indicators=_pair(flat(left_contents, "indicators"), flat(right_contents, "indicators"), _compare_indicators),
        left_contents=left_contents,
        right_contents=right_contents,
    )


# --- Milestones and the director's overview -------------------------------------------------------------


def milestones_needing_attention(*, on: date | None = None, days: int = DUE_SOON_DAYS) -> QuerySet[Milestone]:
    """Open milestones of adopted plans that are late or due within `days` days, soonest first."""
    on = on or timezone.localdate()
    return (
        Milestone.objects.open()
        .filter(activity__plan__status=PlanStatus.ADOPTED, due_on__lte=on + timedelta(days=days))
        .select_related("activity__action_line", "activity__plan", "owner")
        .order_by("due_on", "id")
    )


@dataclass
class WaitingPartner:
    partner: Partner
    count: int
    value: Decimal
    oldest: object  # datetime of the earliest submission


@dataclass
class DirectorOverview:
    on: date
    status: AgreementStatus
    waiting: list[WaitingPartner]
    waiting_count: int
    waiting_value: Decimal
    late_milestones: list[Milestone]
    due_milestones: list[Milestone]
    running_period: ReportingPeriod | None
    silent_partners: list[Partner]
    plan: AnnualPlan | None
    open_plan: AnnualPlan | None


def director_overview(*, on: date | None = None) -> DirectorOverview:
    """What needs the director now: submitted contributions waiting for review (per partner), milestones
    late or due within 30 days, the parties without any submission in the running reporting period, and the
    days left in the agreement. A fixed number of queries."""
    on = on or timezone.localdate()
    status = agreement_status(on=on)
    waiting_totals = figures.totals(by=("partner",), statuses=(Status.SUBMITTED,))
    # Per waiting partner its oldest submission: one seek on the partial index contribution_waiting_partner.
    oldest = (
        Contribution.objects.submitted()
        .filter(partner=OuterRef("pk"), submitted_at__isnull=False)
        .order_by("submitted_at")
        .values("submitted_at")[:1]
    )
    partners = Partner.objects.annotate(oldest=Subquery(oldest)).in_bulk([key[0] for key in waiting_totals.rows])
    waiting = sorted(
        (
            WaitingPartner(partners[pid], found.count, found.total_value, partners[pid].oldest)
            for (pid,), found in waiting_totals.rows.items()
        ),
        key=lambda w: w.partner.name,
    )
    milestones = list(milestones_needing_attention(on=on))
    running = ReportingPeriod.objects.containing(on).order_by("-starts_on").first()
    silent: list[Partner] = []
    if running is not None and status.agreement is not None:
        # Per party one seek on the partial index contribution_period_submitted, whatever the data.
        submitted = Contribution.objects.filter(period=running, partner=OuterRef("pk"), submitted_at__isnull=False)
        silent = list(
            # One filter() call: the same party link must be of this agreement and still current.
            Partner.objects.filter(
                Q(party_links__agreement=status.agreement)
                & (Q(party_links__left_on__isnull=True) | Q(party_links__left_on__gte=on))
            )
            .filter(~Exists(submitted))
            .order_by("name")
            .distinct()
        )
    plans = list(AnnualPlan.objects.for_year(on.year))  # the year's versions, newest first
    return DirectorOverview(
        on=on,
        status=status,
        waiting=waiting,
        waiting_count=waiting_totals.total.count,
        waiting_value=waiting_totals.total.total_value,
        late_milestones=[m for m in milestones if m.due_on < on],
        due_milestones=[m for m in milestones if m.due_on >= on],
        running_period=running,
        silent_partners=silent,
        plan=next((p for p in plans if p.status == PlanStatus.ADOPTED), None),
        open_plan=next((p for p in plans if p.status in OPEN_PLAN_STATUSES), None),
    )


@dataclass(frozen=True)
class IndicatorPoint:
    period: str
    target: Decimal | None
    actual: Decimal | None


def indicator_series(indicator: Indicator) -> list[IndicatorPoint]:
    """The indicator over the plan's year: per reporting period its target (if set) and actual (if measured),
    the yearly target at the last period when no target was set for it. Three queries."""
    periods = list(ReportingPeriod.objects.filter(starts_on__year=indicator.plan.year).order_by("starts_on"))
    targets = dict(indicator.targets.values_list("period_id", "value"))
    actuals = dict(indicator.actuals.values_list("period_id", "value"))
    if periods and periods[-1].pk not in targets:
        targets[periods[-1].pk] = indicator.target
    return [IndicatorPoint(p.name, targets.get(p.pk), actuals.get(p.pk)) for p in periods]
