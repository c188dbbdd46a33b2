"""Every change to an annual plan goes through these functions: views, the admin, commands and the seed.

Each takes the acting user, checks who may do it and the workflow rule, validates (full_clean) and saves
in a transaction; django-simple-history records every change.
"""

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actionlines.models import (
    FIRST_PLAN_YEAR,
    ActionLine,
    Activity,
    AnnualPlan,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Milestone,
    MilestoneStatus,
    MultiYearTarget,
    PlanComment,
    PlanPDF,
    PlanPDFStatus,
    PlanStatus,
    PlanTransitionError,
    Pledge,
)
from actionlines.permissions import (
    can_comment,
    can_edit_line,
    can_edit_plan,
    can_manage_plan,
    can_record_progress,
    can_resolve_comments,
)
from audit.models import Action
from audit.services import audit_record
from contributions.models import Contribution, ReportingPeriod
from contributions.services import contributions_bulk_update
from governance.models import Decision
from governance.services import check_decision
from lifeport.lib.files import delete_file_on_commit, write_file_atomically
from lifeport.lib.pdf import html_to_pdf
from lifeport.lib.renders import MAX_ATTEMPTS, interrupted_message, not_finished_message
from partners.models import Partner
from partners.permissions import can_see_programme

ACTIVITY_FIELDS = ("action_line", "title", "description", "lead_partner", "starts_on", "ends_on", "budget", "funder")
PLEDGE_FIELDS = ("hours", "in_kind_value", "money")
MILESTONE_FIELDS = ("title", "due_on", "owner", "status", "done_on")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target")


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _locked(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


# --- Multi-year targets --------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    action_line: ActionLine,
    year: int,
    acting_user,
    goal: str,
    hours: Decimal = Decimal("0"),
    in_kind_value: Decimal = Decimal("0"),
    money: Decimal = Decimal("0"),
) -> MultiYearTarget:
    """Record the multi-year plan's goal and targets of one action line for one year (director only)."""
    _check(can_manage_plan(acting_user))
    target = MultiYearTarget.objects.filter(action_line=action_line, year=year).first() or MultiYearTarget(
        action_line=action_line, year=year
    )
    target.goal, target.hours, target.in_kind_value, target.money = goal, hours, in_kind_value, money
    _save(target)
    return target


# --- Plan workflow -------------------------------------------------------------------------------------


@transaction.atomic
def plan_start(*, year: int, acting_user, narrative: str = "") -> AnnualPlan:
    """Start the first (empty, draft) version of the plan of `year`. Refused when that year already has one."""
    _check(can_manage_plan(acting_user))
    if year < FIRST_PLAN_YEAR:
        raise ValidationError({"year": _("Annual plans start in %(year)s.") % {"year": FIRST_PLAN_YEAR}})
    if AnnualPlan.objects.for_year(year).exists():
        raise ValidationError(
            {"year": _("There is already a plan for %(year)s; open it, or start a new version.") % {"year": year}}
        )
    plan = AnnualPlan(year=year, version=1, narrative=narrative, created_by=acting_user)
    _save(plan)
    return plan


@transaction.atomic
def plan_update(*, plan: AnnualPlan, acting_user, narrative: str) -> AnnualPlan:
    locked = _locked(plan)
    _check(can_edit_plan(acting_user, locked))
    locked.narrative = narrative
    _save(locked)
    return locked


@transaction.atomic
def plan_send_for_review(*, plan: AnnualPlan, acting_user) -> AnnualPlan:
    """Draft → in review: the steering group can now comment; nobody edits until it is back in draft."""
    _check(can_manage_plan(acting_user))
    locked = _locked(plan)
    if locked.is_draft and not locked.activities.exists():
        raise ValidationError(_("Add at least one activity before sending the plan for review."))
    locked.send_for_review()
    _save(locked)
    audit_record(actor=acting_user, action=Action.PLAN_SENT_FOR_REVIEW, target=locked)
    return locked


@transaction.atomic
def plan_back_to_draft(*, plan: AnnualPlan, acting_user) -> AnnualPlan:
    """In review → draft, to work the steering group's comments in."""
    _check(can_manage_plan(acting_user))
    locked = _locked(plan)
    locked.back_to_draft()
    _save(locked)
    audit_record(actor=acting_user, action=Action.PLAN_BACK_TO_DRAFT, target=locked)
    return locked


@transaction.atomic
def plan_adopt(*, plan: AnnualPlan, acting_user, decision: Decision | None) -> AnnualPlan:
    """In review → adopted, resting on the steering group's `decision` about this version (required);
    records who and when and freezes the plan.

    A previously adopted version of the same year is marked replaced, and contributions linked to its
    activities move to the same activities in this version (or lose the link when the activity was dropped).
    Refused while comments are unresolved.
    """
    _check(can_manage_plan(acting_user))
    locked = _locked(plan)
    if not locked.is_in_review:
        raise PlanTransitionError(
            _("A plan with status “%(status)s” cannot become “%(to)s”.")
            % {"status": locked.get_status_display(), "to": PlanStatus.ADOPTED.label}
        )
    if PlanComment.objects.filter(activity__plan=locked, resolved_at__isnull=True).exists():
        raise ValidationError(_("Resolve every comment of the steering group before adopting the plan."))
    check_decision(decision=decision, subject=locked)
    previous = AnnualPlan.objects.select_for_update().filter(year=locked.year, status=PlanStatus.ADOPTED).first()
    if previous is not None:
        previous.supersede()
        _save(previous)
        _relink_contributions(old=previous, new=locked)
    locked.adopt(by=acting_user)
    _save(locked)
    assert decision is not None  # check_decision refuses a missing one
    audit_record(actor=acting_user, action=Action.PLAN_ADOPTED, target=locked, details={"decision": decision.number})
    return locked


def _relink_contributions(*, old: AnnualPlan, new: AnnualPlan) -> None:
    new_by_key = dict(new.activities.values_list("key", "pk"))
    for old_id, key in old.activities.values_list("pk", "key"):
        contributions_bulk_update(
            contributions=Contribution.objects.filter(activity_id=old_id), activity_id=new_by_key.get(key)
        )


def _shift(day: date | None, years: int) -> date | None:
    if day is None or years == 0:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _copy_contents(*, source: AnnualPlan, target: AnnualPlan, years: int) -> None:
    """Copy activities, pledges, milestones and indicators into `target`; new rows, dates moved `years`.

    Keys are kept so versions and years can be compared; progress (done milestones, actuals) is not carried
    into another year."""
    activities = source.activities.prefetch_related("pledges", "milestones")
    for activity in activities:
        copy = Activity(  # type: ignore[misc]
            plan=target,
            action_line_id=activity.action_line_id,
            key=activity.key,
            title=activity.title,
            description=activity.description,
            lead_partner_id=activity.lead_partner_id,
            starts_on=_shift(activity.starts_on, years),
            ends_on=_shift(activity.ends_on, years),
            budget=activity.budget,
            funder=activity.funder,
            copied_from=activity,
        )
        _save(copy)
        for pledge in activity.pledges.all():
            _save(
                Pledge(
                    activity=copy,
                    partner_id=pledge.partner_id,
                    hours=pledge.hours,
                    in_kind_value=pledge.in_kind_value,
                    money=pledge.money,
                )
            )
        for milestone in activity.milestones.all():
            keep = years == 0
            _save(
                Milestone(  # type: ignore[misc]
                    activity=copy,
                    key=milestone.key,
                    title=milestone.title,
                    due_on=_shift(milestone.due_on, years),
                    owner_id=milestone.owner_id,
                    status=milestone.status if keep else MilestoneStatus.PLANNED,
                    done_on=milestone.done_on if keep else None,
                )
            )
    for indicator in source.indicators.all():
        copy = Indicator(  # type: ignore[assignment]
            plan=target,
            action_line_id=indicator.action_line_id,
            key=indicator.key,
            name=indicator.name,
            unit=indicator.unit,
            baseline=indicator.baseline,
            target=indicator.target,
        )
        _save(copy)
        if years == 0:
            for goal in indicator.targets.all():
                _save(IndicatorTarget(indicator=copy, period_id=goal.period_id, value=goal.value))  # type: ignore[misc]
            for actual in indicator.actuals.all():
                _save(
                    IndicatorActual(  # type: ignore[misc]
                        indicator=copy, period_id=actual.period_id, value=actual.value, recorded_by=actual.recorded_by
                    )
                )


@transaction.atomic
def plan_new_version(*, plan: AnnualPlan, acting_user) -> AnnualPlan:
    """Start a new draft version from an adopted plan: the only way to change an adopted plan.

    The adopted version stays in force (and readable) until the new one is adopted."""
    _check(can_manage_plan(acting_user))
    locked = _locked(plan)
    if not locked.is_adopted:
        raise PlanTransitionError(_("A new version can only be started from the adopted plan."))
    if AnnualPlan.objects.open().for_year(locked.year).exists():
        raise ValidationError(_("A new version of this plan is already being prepared."))
    version = AnnualPlan.objects.for_year(locked.year).aggregate(v=Max("version"))["v"] + 1
    new = AnnualPlan(
        year=locked.year, version=version, narrative=locked.narrative, based_on=locked, created_by=acting_user
    )
    _save(new)
    _copy_contents(source=locked, target=new, years=0)
    return new


@transaction.atomic
def plan_start_next_year(*, plan: AnnualPlan, acting_user) -> AnnualPlan:
    """Start next year's plan as a copy of `plan`: activities, pledges, milestones and indicators, every date
    moved one year; no row is shared with `plan`. Refused when next year already has a plan."""
    _check(can_manage_plan(acting_user))
    year = plan.year + 1
    if AnnualPlan.objects.for_year(year).exists():
        raise ValidationError(_("There is already a plan for %(year)s.") % {"year": year})
    new = AnnualPlan(year=year, version=1, narrative=plan.narrative, based_on=plan, created_by=acting_user)
    try:
        with transaction.atomic():
            _save(new)
    except IntegrityError as exc:  # started at the same moment by someone else
        raise ValidationError(_("There is already a plan for %(year)s.") % {"year": year}) from exc
    _copy_contents(source=plan, target=new, years=1)
    return new


# --- Activities, pledges, milestones, indicators (draft only) -----------------------------------------------


def _check_overlaps_year(plan: AnnualPlan, activity: Activity) -> None:
    """An activity of the 2026 plan runs (at least partly) in 2026."""
    errors = {}
    if activity.starts_on and activity.starts_on.year > plan.year:
        errors["starts_on"] = _("Must start in or before %(year)s, the year of the plan.") % {"year": plan.year}
    if activity.ends_on and activity.ends_on.year < plan.year:
        errors["ends_on"] = _("Must end in or after %(year)s, the year of the plan.") % {"year": plan.year}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_create(*, plan: AnnualPlan, acting_user, action_line: ActionLine, **fields) -> Activity:
    """Add an activity to a draft plan (the director, or the lead of `action_line`)."""
    locked = _locked(plan)
    _check(can_edit_line(acting_user, locked, action_line))
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"{unknown} cannot be set here")
    activity = Activity(plan=locked, action_line=action_line, **fields)
    _check_overlaps_year(locked, activity)
    _save(activity)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, acting_user, **changes) -> Activity:
    """Change an activity of a draft plan. Moving it to another line needs the right to edit both lines."""
    _locked(activity.plan)
    activity = Activity.objects.select_for_update().select_related("plan", "action_line").get(pk=activity.pk)
    _check(can_edit_line(acting_user, activity.plan, activity.action_line))
    for name, value in changes.items():
        if name not in ACTIVITY_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(activity, name, value)
    _check(can_edit_line(acting_user, activity.plan, activity.action_line))
    _check_overlaps_year(activity.plan, activity)
    _save(activity)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, acting_user) -> None:
    locked = _locked(activity.plan)
    _check(can_edit_line(acting_user, locked, activity.action_line))
    activity.delete()


@transaction.atomic
def pledge_set(*, activity: Activity, partner: Partner, acting_user, **amounts) -> Pledge:
    """Record (or change) what `partner` pledges to `activity` in a draft plan."""
    locked = _locked(activity.plan)
    _check(can_edit_line(acting_user, locked, activity.action_line))
    pledge = Pledge.objects.filter(activity=activity, partner=partner).first() or Pledge(
        activity=activity, partner=partner
    )
    for name, value in amounts.items():
        if name not in PLEDGE_FIELDS:
            raise ValueError(f"{name} cannot be set here")
        setattr(pledge, name, value if value is not None else Decimal("0"))
    if not (pledge.hours or pledge.in_kind_value or pledge.money):
        raise ValidationError(_("Enter hours, a value or an amount of money."))
    _save(pledge)
    return pledge


@transaction.atomic
def pledge_delete(*, pledge: Pledge, acting_user) -> None:
    locked = _locked(pledge.activity.plan)
    _check(can_edit_line(acting_user, locked, pledge.activity.action_line))
    pledge.delete()


def _check_done(milestone: Milestone) -> None:
    if milestone.status == MilestoneStatus.DONE and milestone.done_on is None:
        milestone.done_on = timezone.localdate()
    if milestone.status != MilestoneStatus.DONE:
        milestone.done_on = None


@transaction.atomic
def milestone_create(*, activity: Activity, acting_user, **fields) -> Milestone:
    locked = _locked(activity.plan)
    _check(can_edit_line(acting_user, locked, activity.action_line))
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValueError(f"{unknown} cannot be set here")
    milestone = Milestone(activity=activity, **fields)
    _check_done(milestone)
    _save(milestone)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, acting_user, **changes) -> Milestone:
    locked = _locked(milestone.activity.plan)
    _check(can_edit_line(acting_user, locked, milestone.activity.action_line))
    for name, value in changes.items():
        if name not in MILESTONE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(milestone, name, value)
    _check_done(milestone)
    _save(milestone)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, acting_user) -> None:
    locked = _locked(milestone.activity.plan)
    _check(can_edit_line(acting_user, locked, milestone.activity.action_line))
    milestone.delete()


@transaction.atomic
def milestone_record_progress(
    *, milestone: Milestone, acting_user, status: str, done_on: date | None = None
) -> Milestone:
    """Progress on the adopted plan (not a plan change): the status of a milestone, and when it was done."""
    locked = _locked(milestone.activity.plan)
    _check(can_record_progress(acting_user, locked, milestone.activity.action_line))
    milestone.status, milestone.done_on = status, done_on
    _check_done(milestone)
    if milestone.done_on and milestone.done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    _save(milestone)
    return milestone


@transaction.atomic
def indicator_create(*, plan: AnnualPlan, action_line: ActionLine, acting_user, **fields) -> Indicator:
    locked = _locked(plan)
    _check(can_edit_line(acting_user, locked, action_line))
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"{unknown} cannot be set here")
    indicator = Indicator(plan=locked, action_line=action_line, **fields)
    _save(indicator)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, acting_user, **changes) -> Indicator:
    locked = _locked(indicator.plan)
    _check(can_edit_line(acting_user, locked, indicator.action_line))
    for name, value in changes.items():
        if name not in INDICATOR_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(indicator, name, value)
    _save(indicator)
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, acting_user) -> None:
    locked = _locked(indicator.plan)
    _check(can_edit_line(acting_user, locked, indicator.action_line))
    indicator.delete()


def periods_of_year(year: int):
    return ReportingPeriod.objects.filter(starts_on__year=year).order_by("starts_on")


@transaction.atomic
def indicator_actual_set(
    *, indicator: Indicator, period: ReportingPeriod, value: Decimal, acting_user
) -> IndicatorActual:
    """Record what an indicator of the adopted plan reached in a reporting period of the plan's year."""
    locked = _locked(indicator.plan)
    _check(can_record_progress(acting_user, locked, indicator.action_line))
    if period.starts_on.year != locked.year:
        raise ValidationError({"period": _("Choose a reporting period of %(year)s.") % {"year": locked.year}})
    if period.starts_on > timezone.localdate():
        raise ValidationError({"period": _("This reporting period has not started yet.")})
    actual = IndicatorActual.objects.filter(indicator=indicator, period=period).first() or IndicatorActual(
        indicator=indicator, period=period
    )
    actual.value, actual.recorded_by = value, acting_user
    _save(actual)
    return actual


@transaction.atomic
def indicator_targets_set(
    *, indicator: Indicator, acting_user, targets: dict[ReportingPeriod, Decimal | None]
) -> list[IndicatorTarget]:
    """Set the indicator's target per reporting period of the plan's year (None removes one): plan, so only
    while the plan is a draft, by the director or the line's lead."""
    locked = _locked(indicator.plan)
    _check(can_edit_line(acting_user, locked, indicator.action_line))
    kept = []
    for period, value in targets.items():
        if period.starts_on.year != locked.year:
            raise ValidationError(_("Choose a reporting period of %(year)s.") % {"year": locked.year})
        if value is None:
            IndicatorTarget.objects.filter(indicator=indicator, period=period).delete()
            continue
        goal = IndicatorTarget.objects.filter(indicator=indicator, period=period).first()
        goal = goal or IndicatorTarget(indicator=indicator, period=period)
        goal.value = value
        _save(goal)
        kept.append(goal)
    return kept


# --- Review comments -----------------------------------------------------------------------------------------


@transaction.atomic
def comment_add(*, activity: Activity, acting_user, text: str) -> PlanComment:
    """A steering group member's comment on an activity of a plan in review."""
    locked = _locked(activity.plan)
    _check(can_comment(acting_user, locked))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    comment = PlanComment(activity=activity, author=acting_user, text=text.strip())
    _save(comment)
    return comment


@transaction.atomic
def comment_resolve(*, comment: PlanComment, acting_user, resolution: str = "") -> PlanComment:
    """The director marks a comment as dealt with, saying how."""
    locked = _locked(comment.activity.plan)
    _check(can_resolve_comments(acting_user, locked))
    comment = PlanComment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_resolved:
        raise ValidationError(_("This comment has already been resolved."))
    comment.resolved_at, comment.resolved_by, comment.resolution = timezone.now(), acting_user, resolution.strip()
    _save(comment)
    return comment


# --- The plan as a PDF ---------------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _prune_plan_pdfs(plan_id: int, *, keep: int) -> None:
    """Only the PDF handed out stays: earlier ready or failed ones go, their files after commit."""
    old = PlanPDF.objects.filter(plan_id=plan_id, status__in=[PlanPDFStatus.READY, PlanPDFStatus.FAILED])
    old = old.exclude(pk=keep)
    for name in old.exclude(file="").values_list("file", flat=True):
        delete_file_on_commit(name)
    old.delete()


@transaction.atomic
def plan_pdf_request(*, plan: AnnualPlan, acting_user) -> PlanPDF:
    """Ask for the plan as a PDF, made by a Celery task (queued on commit); the plan page follows the request.

    Bounded and idempotent: while a render for the plan waits or runs, asking again joins it; when the plan shows
    what it showed when its ready PDF was made (the same HTML), that PDF is handed out again. A request whose
    task is gone (older than the render time limit) is closed as failed and a new one started.
    """
    from actionlines.exports import plan_pdf_html
    from actionlines.tasks import render_plan_pdf

    _check(can_see_programme(acting_user))
    source = _sha256(plan_pdf_html(plan))
    _locked(plan)  # one request per plan at a time
    now = timezone.now()
    pending = plan.pdfs.filter(status__in=[PlanPDFStatus.QUEUED, PlanPDFStatus.GENERATING]).first()
    if pending and not pending.is_stale:
        return pending
    if pending:
        plan_pdf_render_failed(plan_pdf_id=pending.pk, error=not_finished_message())
    ready = plan.pdfs.filter(status=PlanPDFStatus.READY, source_sha256=source).first()
    if ready:
        ready.requested_at = now
        ready.save(update_fields=["requested_at"])
        _prune_plan_pdfs(plan.pk, keep=ready.pk)
        return ready
    pdf = PlanPDF(plan=plan, source_sha256=source, requested_by=acting_user, requested_at=now)
    pdf.full_clean()
    pdf.save()
    # robust: the request is saved even if the broker cannot be reached (it may be asked for again).
    transaction.on_commit(lambda: render_plan_pdf.delay(pdf.pk), robust=True)
    return pdf


def _plan_pdf_stage(plan_pdf_id: int, stage: str) -> None:
    PlanPDF.objects.filter(pk=plan_pdf_id, status=PlanPDFStatus.GENERATING).update(stage=stage)


def plan_pdf_render(*, plan_pdf_id: int) -> PlanPDF | None:
    """Make the PDF of a request (the Celery task's work): claims it by a conditional update, renders the plan as
    it is now, stores the file and marks it ready. Returns None (doing nothing) when the request is no longer
    waiting; after MAX_ATTEMPTS starts (a worker that died each time) records the failure instead."""
    from actionlines.exports import plan_pdf_html

    waiting = PlanPDF.objects.filter(pk=plan_pdf_id, status__in=[PlanPDFStatus.QUEUED, PlanPDFStatus.GENERATING])
    if not waiting.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=PlanPDFStatus.GENERATING, stage="collecting", attempts=F("attempts") + 1
    ):
        plan_pdf_render_failed(plan_pdf_id=plan_pdf_id, error=interrupted_message())
        return None
    request = PlanPDF.objects.select_related("plan").get(pk=plan_pdf_id)
    html = plan_pdf_html(request.plan)
    _plan_pdf_stage(plan_pdf_id, "rendering")
    content = html_to_pdf(html)
    _plan_pdf_stage(plan_pdf_id, "saving")
    name = write_file_atomically(name=f"plans/{request.plan.year}/{request.filename()}", content=content)
    try:
        with transaction.atomic():
            done = PlanPDF.objects.filter(pk=plan_pdf_id, status=PlanPDFStatus.GENERATING).update(
                status=PlanPDFStatus.READY,
                stage="",
                file=name,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                source_sha256=_sha256(html),
                error="",
                finished_at=timezone.now(),
            )
            if done:
                _prune_plan_pdfs(request.plan_id, keep=plan_pdf_id)
    except BaseException:
        default_storage.delete(name)
        raise
    if not done:  # closed meanwhile (asked again after the time limit): this file is nobody's
        default_storage.delete(name)
        return None
    return PlanPDF.objects.get(pk=plan_pdf_id)


def plan_pdf_render_failed(*, plan_pdf_id: int, error: str) -> bool:
    """A render that failed for good: the plan page shows `error` and the PDF may be asked for again."""
    return bool(
        PlanPDF.objects.filter(pk=plan_pdf_id, status__in=[PlanPDFStatus.QUEUED, PlanPDFStatus.GENERATING]).update(
            status=PlanPDFStatus.FAILED, stage="", error=error[:1000], finished_at=timezone.now()
        )
    )
