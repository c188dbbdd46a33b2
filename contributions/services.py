"""Every change to contributions goes through these functions: views, imports, admin, tasks and the plan's
relinking call them (a test fails when a contribution row is written anywhere else).

Each takes the acting user, checks the workflow rule, validates (full_clean) and saves in a transaction;
django-simple-history records the old and new values of every change, and the contribution summary
(`figures.summary_apply`) is kept in the same transaction.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actionlines.models import ActionLine, Activity, PlanStatus
from audit.models import Action
from audit.services import audit_record
from contributions import figures
from contributions.models import (
    MAX_DESCRIPTION,
    MAX_HOURS,
    MAX_VALUE,
    Contribution,
    ContributionPolicy,
    ContributionSummary,
    Evidence,
    HourlyRate,
    Kind,
    ReportingPeriod,
    Status,
)
from lifeport.lib.forms import one_line_break
from lifeport.lib.money import format_euro, format_number
from lifeport.lib.uploads import OFFICE_LIMITS, UnsafeFile, clean_file_name, detect_file_type
from partners.models import Agreement, Partner
from partners.permissions import acts_for, require_programme_staff

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


class RuleLookups:
    """What the contribution rules read from the database: the period of a date, the hourly rate in force.

    One per call of the rules for a single contribution (the form); one per batch when many are checked at
    once (an import, `many=True`), where each date's period and each rate is read once, not once per row.
    """

    def __init__(self, *, many: bool = False) -> None:
        self.many = many
        self._periods: dict[date, ReportingPeriod | None] = {}
        self._rates: dict[tuple[int, date], HourlyRate | None] = {}

    def period(self, day: date) -> ReportingPeriod | None:
        if day not in self._periods:
            self._periods[day] = period_for_date(day)
        return self._periods[day]

    def rate(self, partner: Partner, day: date) -> HourlyRate | None:
        key = (partner.pk, day)
        if key not in self._rates:
            self._rates[key] = HourlyRate.objects.in_force(partner=partner, on=day)
        return self._rates[key]


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


# Checked on every contribution by full_clean as one query each; with `many=True` the objects come from the
# lookups (so they exist) and the check constraints are restated above with their messages, and enforced by
# the database again on insert.
_LOOKED_UP = ["partner", "action_line", "period", "activity", "created_by", "reviewed_by"]


def _apply_and_validate(contribution: Contribution, *, today: date, lookups: RuleLookups | None = None) -> None:
    """Derive the period, the hourly rate and the value, then check every rule with a clear message."""
    lookups = lookups or RuleLookups()
    errors: dict[str, list[str]] = {}
    contribution.description = one_line_break(contribution.description or "")
    if len(contribution.description) > MAX_DESCRIPTION:
        errors.setdefault("description", []).append(
            _("At most %(max)s characters; this text has %(count)s.")
            % {
                "max": format_number(MAX_DESCRIPTION, get_language() or "nl"),
                "count": format_number(len(contribution.description), get_language() or "nl"),
            }
        )
    if contribution.date:
        if contribution.date > today:
            errors.setdefault("date", []).append(_("The date cannot be in the future."))
        period = lookups.period(contribution.date)
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
            rate = lookups.rate(contribution.partner, contribution.date)
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
    if lookups.many:
        contribution.full_clean(exclude=_LOOKED_UP, validate_constraints=False)
    else:
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
    _save([contribution], acting_user=acting_user, before=[])
    return contribution


@transaction.atomic
def contribution_update(*, contribution: Contribution, acting_user, expected_version: int, **changes) -> Contribution:
    """Change a draft or returned contribution; refuses a stale form (StaleEdit) instead of overwriting."""
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    _check_can_edit(locked, acting_user)
    if locked.version != expected_version:
        raise StaleEdit
    before = figures.entry(locked)
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        setattr(locked, field, value)
    _apply_and_validate(locked, today=timezone.localdate())
    _save([locked], acting_user=acting_user, before=[before])
    return locked


@transaction.atomic
def contribution_delete(*, contribution: Contribution, acting_user) -> None:
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    _check_can_edit(locked, acting_user)
    names = [evidence.file.name for evidence in locked.evidence.all()]
    removed = figures.entry(locked)
    locked._history_user = acting_user
    locked.delete()
    figures.summary_apply(removed=[removed])
    _delete_files_on_commit(names)


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


def duplicate_keys(*, partner: Partner, dates: Iterable[date]) -> set[tuple]:
    """The (date, action line id, value) of `partner`'s contributions on `dates`: one query for many rows,
    the same rule as `likely_duplicates` (compare with `duplicate_key`)."""
    rows = Contribution.objects.filter(partner=partner, date__in=set(dates)).values_list(
        "date", "action_line_id", "value"
    )
    return set(rows)


def duplicate_key(contribution: Contribution) -> tuple:
    return (contribution.date, contribution.action_line_id, contribution.value)


class RowsInvalid(Exception):
    """Some of the rows break the contribution rules, so nothing was saved. `errors`: row index → ValidationError."""

    def __init__(self, errors: dict[int, ValidationError]) -> None:
        super().__init__(f"{len(errors)} rows are invalid")
        self.errors = errors


Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500
BULK_BATCH = 1000


def contributions_check(
    *, partner: Partner, acting_user, rows: Sequence[dict], progress: Progress | None = None
) -> tuple[list[Contribution], dict[int, ValidationError]]:
    """Draft contributions for `partner` built from `rows` (the keyword arguments of `contribution_create`)
    and checked by the same rules as the form, without saving anything.

    Returns every contribution (with its derived period, rate and value) and the errors by row index.
    `progress(done, total)` is called every PROGRESS_EVERY rows. Reads each date's period and rate once.
    """
    if not acts_for(acting_user, partner):
        raise PermissionDenied
    lookups, today = RuleLookups(many=True), timezone.localdate()
    contributions: list[Contribution] = []
    errors: dict[int, ValidationError] = {}
    for index, values in enumerate(rows):
        unknown = set(values) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"{unknown} cannot be set here")
        contribution = Contribution(partner=partner, created_by=acting_user, status=Status.DRAFT, **values)
        try:
            _apply_and_validate(contribution, today=today, lookups=lookups)
        except ValidationError as error:
            errors[index] = error
        contributions.append(contribution)
        if progress and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1, len(rows))
    return contributions, errors


@transaction.atomic
def contributions_bulk_create(
    *, partner: Partner, acting_user, rows: Sequence[dict], progress: Progress | None = None
) -> list[Contribution]:
    """Log many draft contributions for `partner` at once, all or nothing (an import).

    Every row is checked by the same rules as the form (`contributions_check`); when any row breaks one,
    RowsInvalid is raised and nothing is saved. Otherwise all are inserted in this transaction, in batches,
    with their history rows (django-simple-history, as `acting_user`). `progress(done, total)` counts the
    checked rows, then the inserted ones (total: twice the rows).
    """
    total = 2 * len(rows)
    contributions, errors = contributions_check(
        partner=partner,
        acting_user=acting_user,
        rows=rows,
        progress=(lambda done, _n: progress(done, total)) if progress else None,
    )
    if errors:
        raise RowsInvalid(errors)
    inserted = (lambda done: progress(len(rows) + done, total)) if progress else None
    return _insert(contributions, acting_user=acting_user, progress=inserted)


def _insert(
    contributions: list[Contribution], *, acting_user, progress: Callable[[int], None] | None = None
) -> list[Contribution]:
    """Insert `contributions` in batches with their history rows (as `acting_user`), then count them all in the
    summary with one grouped upsert. `progress(inserted so far)` after each batch."""
    created: list[Contribution] = []
    for start in range(0, len(contributions), BULK_BATCH):
        batch = contributions[start : start + BULK_BATCH]
        created += bulk_create_with_history(batch, Contribution, batch_size=BULK_BATCH, default_user=acting_user)
        if progress:
            progress(len(created))
    figures.summary_apply(added=[figures.entry(item) for item in created])
    return created


def submittable_in_period(*, partner: Partner, period: ReportingPeriod):
    """The drafts and returned items that "submit period" would submit."""
    return Contribution.objects.filter(partner=partner, period=period).editable().select_related("action_line")


def _needs_evidence(contribution: Contribution, threshold: Decimal) -> bool:
    return contribution.value > threshold and not contribution.evidence.exists()


@transaction.atomic
def period_submit(*, partner: Partner, period: ReportingPeriod, acting_user) -> list[Contribution]:
    """Submit all drafts (and returned items) of `partner` in `period` at once; all or nothing.

    Refuses when the period is closed or an item above the evidence threshold has no evidence.
    """
    if not acts_for(acting_user, partner):
        raise PermissionDenied
    # Read the period afresh (and lock it): closing it at the same moment waits for this, or wins.
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
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
                "threshold": format_euro(threshold, get_language() or "nl"),
                "items": ", ".join(
                    f"{c.date:%d-%m-%Y} {c.action_line.name} ({format_euro(c.value, get_language() or 'nl')})"
                    for c in missing
                ),
            }
        )
    before = [figures.entry(item) for item in items]
    for item in items:
        item.submit()
    _save(items, acting_user=acting_user, before=before)
    return items


@transaction.atomic
def contribution_approve(
    *, contribution: Contribution, acting_user, request: HttpRequest | None = None
) -> Contribution:
    """Approve a submitted contribution. Approving twice, even at once, approves it once (audit trail too)."""
    require_programme_staff(acting_user)
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    before = figures.entry(locked)
    locked.approve(by=acting_user)
    _save([locked], acting_user=acting_user, before=[before])
    audit_record(
        actor=acting_user, action=Action.APPROVED, target=locked, request=request, details={"value": locked.value}
    )
    return locked


@transaction.atomic
def contribution_return(
    *, contribution: Contribution, acting_user, comment: str, request: HttpRequest | None = None
) -> Contribution:
    """Send a submitted contribution back to its partner with a comment they must act on."""
    require_programme_staff(acting_user)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    before = figures.entry(locked)
    locked.return_to_partner(by=acting_user, comment=comment.strip())
    _save([locked], acting_user=acting_user, before=[before])
    audit_record(actor=acting_user, action=Action.RETURNED, target=locked, request=request)
    return locked


@transaction.atomic
def contribution_reopen(
    *, contribution: Contribution, acting_user, reason: str, request: HttpRequest | None = None
) -> Contribution:
    """Reopen an approved contribution (director or office) so the partner can correct it; needs a reason."""
    require_programme_staff(acting_user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    before = figures.entry(locked)
    locked.reopen(by=acting_user, reason=reason.strip())
    locked._change_reason = reason.strip()
    _save([locked], acting_user=acting_user, before=[before])
    audit_record(
        actor=acting_user,
        action=Action.REOPENED,
        target=locked,
        request=request,
        details={"reason": reason.strip()[:500]},
    )
    return locked


def _save(items: list[Contribution], *, acting_user, before: list[figures.Entry]) -> None:
    """Save `items` (new ones when `before` is empty, else changed ones, whose version moves on) with
    `acting_user` in their history, and move their figures in the summary from `before` to what they are now."""
    for item in items:
        if before:
            item.version += 1
        item._history_user = acting_user  # type: ignore[attr-defined]
        item.save()
    figures.summary_apply(removed=before, added=[figures.entry(item) for item in items])


# --- Many rows at once, past the workflow: loads, fixtures and the plan's relinking -----------------------

# The columns whose change moves a contribution's figures in the summary.
SUMMARY_COLUMNS = {"partner", "action_line", "period", "date", "activity", "kind", "status", "hours", "value"}


@transaction.atomic
def contributions_load(*, contributions: list[Contribution], acting_user=None) -> list[Contribution]:
    """Insert ready-made contributions as they are, past the workflow (no rules, and no full_clean: its
    foreign-key checks cost a query per row; the database's constraints still hold): bulk loads (the
    benchmarks) and test fixtures. With their history rows, and one grouped summary upsert, as an import's
    insert. Returns them with their ids."""
    return _insert(contributions, acting_user=acting_user)


@transaction.atomic
def contributions_bulk_update(*, contributions: QuerySet[Contribution], **values) -> int:
    """Set `values` on every contribution of `contributions` in one UPDATE, past the workflow and without
    history (a plan version's adoption moving links to its activities, demo and benchmark data). When a value
    moves figures (SUMMARY_COLUMNS), the rows' summary entries are read before and after and the difference
    applied in the same transaction. Returns the number of rows updated."""
    if not values:
        return 0
    columns = {Contribution._meta.get_field(name).name for name in values}
    if not columns & SUMMARY_COLUMNS:
        return contributions.order_by().update(**values)
    ids = list(contributions.order_by("pk").select_for_update().values_list("pk", flat=True))
    before: list[figures.Entry] = []
    after: list[figures.Entry] = []
    updated = 0
    for start in range(0, len(ids), BULK_BATCH):
        chunk = Contribution.objects.filter(pk__in=ids[start : start + BULK_BATCH])
        before += figures.entries(chunk)
        updated += chunk.update(**values)
        after += figures.entries(chunk)
    figures.summary_apply(removed=before, added=after)
    return updated


def _delete_files_on_commit(names: list[str]) -> None:
    # Only once the rows are gone for good: a rolled-back delete must not lose the files.
    storage = Evidence._meta.get_field("file").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


# --- Evidence -----------------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# What we accept, by the type found in the content: extension on disk and the content type we serve.
EVIDENCE_TYPES = {
    "pdf": (".pdf", "application/pdf"),
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "csv": (".csv", "text/csv"),
}


@transaction.atomic
def evidence_add(*, contribution: Contribution, acting_user, upload: UploadedFile) -> Evidence:
    """Store `upload` as evidence of `contribution` (a draft or returned item of the user's partner).

    Refuses (ValidationError on "file") an empty file, one over 10 MB — checked before anything is
    stored — any type other than PDF, PNG, JPEG, XLSX, DOCX or CSV, detected from the content, and an
    Office file whose zip would unpack to far more than it holds (checked on its directory, before reading).
    The file is stored in the media storage with a generated name; the user's file name is kept as a label,
    without control or direction-changing characters.
    """
    locked = Contribution.objects.select_for_update().select_related("partner").get(pk=contribution.pk)
    _check_can_edit(locked, acting_user)
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > MAX_EVIDENCE_BYTES:  # type: ignore[operator]
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    try:
        detected = detect_file_type(upload, zip_limits=OFFICE_LIMITS)
    except UnsafeFile as error:
        raise ValidationError({"file": error.message}) from error
    if detected not in EVIDENCE_TYPES:
        raise ValidationError(
            {"file": _("This type of file is not accepted. Upload a PDF, PNG, JPEG, XLSX, DOCX or CSV file.")}
        )
    extension, content_type = EVIDENCE_TYPES[detected]
    original_name = clean_file_name(upload.name, default=f"evidence{extension}")
    evidence = Evidence(  # type: ignore[misc]
        contribution=locked,
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    evidence.file.save(f"evidence{extension}", upload, save=False)
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    audit_record(
        actor=acting_user,
        action=Action.EVIDENCE_ADDED,
        target=locked,
        details={"file": original_name, "type": content_type, "size": upload.size},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, acting_user) -> None:
    """Remove a file from a draft or returned contribution of the user's partner (the file goes on commit)."""
    locked = Contribution.objects.select_for_update().select_related("partner").get(pk=evidence.contribution_id)
    _check_can_edit(locked, acting_user)
    name = evidence.file.name
    Evidence.objects.filter(pk=evidence.pk).delete()
    _delete_files_on_commit([name])
    audit_record(
        actor=acting_user, action=Action.EVIDENCE_DELETED, target=locked, details={"file": evidence.original_name}
    )


# --- Reporting periods ----------------------------------------------------------------------------------


@transaction.atomic
def period_close(*, period: ReportingPeriod, acting_user) -> ReportingPeriod:
    """Close a reporting period (director or office): it then takes no new, changed or submitted items.

    Only after its deadline, and only once every submitted item in it has been reviewed.
    """
    require_programme_staff(acting_user)
    locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.is_closed:
        raise ValidationError(_("Reporting period %(period)s is already closed.") % {"period": locked.name})
    if timezone.localdate() <= locked.deadline:
        raise ValidationError(
            _("Reporting period %(period)s can be closed after its deadline (%(deadline)s).")
            % {"period": locked.name, "deadline": locked.deadline.strftime("%d-%m-%Y")}
        )
    waiting = locked.contributions.submitted().count()
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)d contribution in this period still awaits review.",
                "%(count)d contributions in this period still await review.",
                waiting,
            )
            % {"count": waiting}
        )
    locked.closed_at = timezone.now()
    locked.closed_by = acting_user
    locked.full_clean()
    locked.save()
    audit_record(actor=acting_user, action=Action.PERIOD_CLOSED, target=locked)
    return locked


@transaction.atomic
def summaries_rebuild() -> int:
    """Recompute ContributionSummary from the contributions (a repair: the services keep it current, and
    `summaries_rebuild --check` tells whether it is). Returns the number of summary rows."""
    ContributionSummary.objects.all().delete()
    rows = figures.entries(Contribution.objects.all())
    figures.summary_apply(added=rows)
    return len(rows)
