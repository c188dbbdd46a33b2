"""Every change to contributions goes through these functions: views, imports, admin and tasks call them.

Each takes the acting user, checks the workflow rule, validates (full_clean) and saves in a transaction;
django-simple-history records the old and new values of every change.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionlines.models import ActionLine, Activity, PlanStatus
from contributions.models import (
    MAX_HOURS,
    MAX_VALUE,
    Contribution,
    ContributionPolicy,
    HourlyRate,
    Kind,
    ReportingPeriod,
    Status,
)
from partners.models import Agreement, Partner
from partners.permissions import acts_for, is_programme_staff

EDITABLE_FIELDS = (
    "action_line",
    "activity",
    "kind",
    "date",
    "description",
    "hours",
    "amount",
    "funder",
    "budget_code",
)


class StaleEdit(Exception):
    """The contribution was changed by someone else since the form was opened."""


def _quarters(start: date, end: date) -> list[tuple[date, date]]:
    quarters = []
    year, quarter_start_month = start.year, ((start.month - 1) // 3) * 3 + 1
    current = date(year, quarter_start_month, 1)
    while current <= end:
        next_month = current.month + 3
        next_start = date(current.year + (next_month > 12), (next_month - 1) % 12 + 1, 1)
        quarters.append((max(current, start), min(next_start - timedelta(days=1), end)))
        current = next_start
    return quarters


@transaction.atomic
def reporting_periods_create_quarters(*, agreement: Agreement) -> list[ReportingPeriod]:
    """Create the agreement's quarterly reporting periods (deadline 15 days after each). Idempotent."""
    periods = []
    for starts_on, ends_on in _quarters(agreement.starts_on, agreement.ends_on):
        quarter = (starts_on.month - 1) // 3 + 1
        period, _created = ReportingPeriod.objects.get_or_create(
            agreement=agreement,
            starts_on=starts_on,
            defaults={
                "name": f"{starts_on.year}-K{quarter}",
                "ends_on": ends_on,
                "deadline": ReportingPeriod.default_deadline(ends_on),
            },
        )
        periods.append(period)
    return periods


def period_for_date(day: date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.containing(day).select_related("agreement").order_by("-starts_on").first()


def _check_can_edit(contribution: Contribution, user) -> None:
    if not acts_for(user, contribution.partner):
        raise PermissionDenied
    if not contribution.is_editable:
        raise ValidationError(_("This contribution has been submitted or approved and can no longer be changed."))


def _check_activity(contribution: Contribution, errors: dict[str, list[str]]) -> None:
    """A linked activity belongs to the adopted annual plan of the contribution's year, on the same action line."""
    if contribution.activity_id is None:
        return
    activity = Activity.objects.select_related("plan").get(pk=contribution.activity_id)
    if contribution.date and (
        activity.plan.status != PlanStatus.ADOPTED or activity.plan.year != contribution.date.year
    ):
        errors.setdefault("activity", []).append(
            _("Choose an activity of the adopted annual plan of %(year)s.") % {"year": contribution.date.year}
        )
    elif contribution.action_line_id and activity.action_line_id != contribution.action_line_id:
        errors.setdefault("activity", []).append(_("This activity belongs to another action line."))


def _apply_and_validate(contribution: Contribution, *, today: date) -> None:
    """Derive the period, the hourly rate and the value, then check every rule with a clear message."""
    errors: dict[str, list[str]] = {}
    if contribution.date:
        if contribution.date > today:
            errors.setdefault("date", []).append(_("The date cannot be in the future."))
        period = period_for_date(contribution.date)
        if period is None:
            errors.setdefault("date", []).append(_("This date is outside the period of the agreement."))
        elif period.is_closed:
            errors.setdefault("date", []).append(
                _("Reporting period %(period)s is closed; it cannot take new or changed items.")
                % {"period": period.name}
            )
        else:
            contribution.period = period

    if contribution.kind == Kind.STAFF_HOURS:
        contribution.amount = None
        if contribution.hours is None:
            errors.setdefault("hours", []).append(_("Enter the number of hours."))
        elif contribution.hours <= 0:
            errors.setdefault("hours", []).append(_("Hours must be more than zero."))
        elif contribution.hours > MAX_HOURS:
            errors.setdefault("hours", []).append(_("At most 2,000 hours per entry; split longer work by period."))
        if contribution.date and contribution.partner_id:
            rate = HourlyRate.objects.in_force(partner=contribution.partner, on=contribution.date)
            if rate is None:
                errors.setdefault("hours", []).append(_("No hourly rate is in force on this date; ask the office."))
            else:
                contribution.hourly_rate = rate.rate
    elif contribution.kind:
        contribution.hours = contribution.hourly_rate = None
        if contribution.amount is None:
            errors.setdefault("amount", []).append(_("Enter the amount in euros."))
        elif contribution.amount <= 0:
            errors.setdefault("amount", []).append(_("The amount must be more than zero."))
    if contribution.kind != Kind.MONEY:
        contribution.funder = contribution.budget_code = ""

    _check_activity(contribution, errors)
    contribution.value = contribution.compute_value()
    if contribution.value > MAX_VALUE:
        errors.setdefault("amount" if contribution.kind != Kind.STAFF_HOURS else "hours", []).append(
            _("At most € 10,000,000 per entry.")
        )
    if errors:
        raise ValidationError(errors)
    contribution.full_clean()


@transaction.atomic
def contribution_create(
    *,
    partner: Partner,
    acting_user,
    action_line: ActionLine,
    kind: str,
    date: date,
    description: str,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
    funder: str = "",
    budget_code: str = "",
    activity: Activity | None = None,
) -> Contribution:
    """Log a draft contribution for `partner`. Raises ValidationError with per-field messages."""
    if not acts_for(acting_user, partner):
        raise PermissionDenied
    contribution = Contribution(
        partner=partner,
        action_line=action_line,
        kind=kind,
        date=date,
        description=description,
        hours=hours,
        amount=amount,
        funder=funder,
        budget_code=budget_code,
        activity=activity,
        created_by=acting_user,
        status=Status.DRAFT,
    )
    _apply_and_validate(contribution, today=timezone.localdate())
    contribution.save()
    return contribution


@transaction.atomic
def contribution_update(*, contribution: Contribution, acting_user, expected_version: int, **changes) -> Contribution:
    """Change a draft or returned contribution; refuses a stale form (StaleEdit) instead of overwriting."""
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    _check_can_edit(locked, acting_user)
    if locked.version != expected_version:
        raise StaleEdit
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        setattr(locked, field, value)
    _apply_and_validate(locked, today=timezone.localdate())
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def contribution_delete(*, contribution: Contribution, acting_user) -> None:
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    _check_can_edit(locked, acting_user)
    for evidence in locked.evidence.all():
        evidence.file.delete(save=False)
    locked.delete()


def likely_duplicates(contribution: Contribution):
    """Same partner, date, action line and value: probably logged twice (a warning, never a refusal)."""
    return (
        Contribution.objects.filter(
            partner_id=contribution.partner_id,
            date=contribution.date,
            action_line_id=contribution.action_line_id,
            value=contribution.value,
        )
        .exclude(pk=contribution.pk)
        .order_by("id")
    )


def submittable_in_period(*, partner: Partner, period: ReportingPeriod):
    """The drafts and returned items that "submit period" would submit."""
    return Contribution.objects.filter(partner=partner, period=period).drafts().select_related("action_line")


def _needs_evidence(contribution: Contribution, threshold: Decimal) -> bool:
    return contribution.value > threshold and not contribution.evidence.exists()


@transaction.atomic
def period_submit(*, partner: Partner, period: ReportingPeriod, acting_user) -> list[Contribution]:
    """Submit all drafts (and returned items) of `partner` in `period` at once; all or nothing.

    Refuses when the period is closed or an item above the evidence threshold has no evidence.
    """
    if not acts_for(acting_user, partner):
        raise PermissionDenied
    if period.is_closed:
        raise ValidationError(_("Reporting period %(period)s is closed.") % {"period": period.name})
    items = list(submittable_in_period(partner=partner, period=period).select_for_update())
    if not items:
        raise ValidationError(_("There is nothing to submit in this period."))
    threshold = ContributionPolicy.current().evidence_threshold
    missing = [c for c in items if _needs_evidence(c, threshold)]
    if missing:
        raise ValidationError(
            _("Attach evidence to every contribution above %(threshold)s first: %(items)s.")
            % {
                "threshold": f"€ {threshold:,.0f}".replace(",", "."),
                "items": ", ".join(f"{c.date:%d-%m-%Y} {c.action_line.name} ({c.value})" for c in missing),
            }
        )
    for item in items:
        item.submit()
        item.version += 1
        item.save()
    return items


def _check_reviewer(user) -> None:
    if not is_programme_staff(user):
        raise PermissionDenied


@transaction.atomic
def contribution_approve(*, contribution: Contribution, acting_user) -> Contribution:
    """Approve a submitted contribution. Approving twice, even at once, approves it once."""
    _check_reviewer(acting_user)
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    locked.approve(by=acting_user)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def contribution_return(*, contribution: Contribution, acting_user, comment: str) -> Contribution:
    """Send a submitted contribution back to its partner with a comment they must act on."""
    _check_reviewer(acting_user)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    locked.return_to_partner(by=acting_user, comment=comment.strip())
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def contribution_reopen(*, contribution: Contribution, acting_user, reason: str) -> Contribution:
    """Reopen an approved contribution (director or office) so the partner can correct it; needs a reason."""
    _check_reviewer(acting_user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    locked.reopen(by=acting_user, reason=reason.strip())
    locked.version += 1
    locked._change_reason = reason.strip()
    locked.save()
    return locked
