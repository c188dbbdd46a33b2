"""Every change to the regiegroep's meetings and decisions: keyword-only, atomic, checked and audited."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from governance.models import (
    SUBJECT_FIELDS,
    AgendaItem,
    BudgetLine,
    Decision,
    DecisionKind,
    Meeting,
    MeetingComment,
    MeetingDocument,
    MeetingStateError,
    MeetingStatus,
    Risk,
    RiskMeasure,
    RiskReview,
    Spending,
)
from governance.permissions import (
    can_add_risks,
    can_comment_on,
    can_manage_budget,
    can_manage_governance,
    can_review_risk,
    can_see_governance,
    check,
)
from lifeport.lib.uploads import OFFICE_LIMITS, UnsafeFile, clean_file_name, detect_file_type

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "pdf": (".pdf", "application/pdf"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


def _open_meeting(meeting: Meeting, acting_user) -> Meeting:
    """The meeting, locked, for a change by the director or office; refused once its minutes are confirmed."""
    check(can_manage_governance(acting_user))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_confirmed:
        raise MeetingStateError(_("The minutes of this meeting are confirmed; it can no longer change."))
    return locked


@transaction.atomic
def meeting_create(*, acting_user, held_on: date, title: str, location: str = "", attendees=()) -> Meeting:
    """Plan a regiegroep meeting (director or office)."""
    check(can_manage_governance(acting_user))
    meeting = Meeting(held_on=held_on, title=title, location=location, created_by=acting_user)
    _save(meeting)
    meeting.attendees.set(attendees)
    audit_record(actor=acting_user, action=Action.MEETING_CHANGED, target=meeting, details={"created": True})
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, acting_user, held_on: date, title: str, location: str, attendees) -> Meeting:
    locked = _open_meeting(meeting, acting_user)
    locked.held_on, locked.title, locked.location = held_on, title, location
    _save(locked)
    locked.attendees.set(attendees)
    audit_record(actor=acting_user, action=Action.MEETING_CHANGED, target=locked)
    return locked


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, acting_user, title: str, description: str = "") -> AgendaItem:
    locked = _open_meeting(meeting, acting_user)
    position = (locked.agenda_items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem(meeting=locked, position=position, title=title, description=description)
    _save(item)
    audit_record(actor=acting_user, action=Action.MEETING_CHANGED, target=locked, details={"agenda_item": title})
    return item


@transaction.atomic
def document_add(*, meeting: Meeting, acting_user, upload: UploadedFile) -> MeetingDocument:
    """Store a PDF, DOCX or XLSX (at most 10 MB, the type read from the content) with the meeting."""
    locked = _open_meeting(meeting, acting_user)
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    try:
        detected = detect_file_type(upload, zip_limits=OFFICE_LIMITS)
    except UnsafeFile as error:
        raise ValidationError({"file": error.message}) from error
    if detected not in DOCUMENT_TYPES:
        raise ValidationError({"file": _("This type of file is not accepted. Upload a PDF, DOCX or XLSX file.")})
    extension, content_type = DOCUMENT_TYPES[detected]
    document = MeetingDocument(
        meeting=locked,
        original_name=clean_file_name(upload.name, default=f"document{extension}"),
        content_type=content_type,
        size=size,
        uploaded_by=acting_user,
    )
    document.file.save(f"document{extension}", upload, save=False)
    try:
        _save(document)
    except Exception:
        document.file.delete(save=False)
        raise
    audit_record(
        actor=acting_user, action=Action.MEETING_CHANGED, target=locked, details={"document": document.original_name}
    )
    return document


@transaction.atomic
def comment_add(*, meeting: Meeting, acting_user, text: str) -> MeetingComment:
    """A steering group member's comment, only while the meeting is still planned."""
    check(can_see_governance(acting_user))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not can_comment_on(acting_user, locked):
        raise MeetingStateError(_("Comments are taken before the meeting only."))
    comment = MeetingComment(meeting=locked, author=acting_user, text=text)
    _save(comment)
    return comment


@transaction.atomic
def minutes_save(*, meeting: Meeting, acting_user, minutes: str) -> Meeting:
    """Draft minutes: the meeting counts as held from now on (no more comments)."""
    locked = _open_meeting(meeting, acting_user)
    locked.minutes = minutes
    locked.status = MeetingStatus.HELD
    _save(locked)
    audit_record(actor=acting_user, action=Action.MEETING_CHANGED, target=locked, details={"minutes": True})
    return locked


@transaction.atomic
def minutes_confirm(*, meeting: Meeting, acting_user) -> Meeting:
    """Confirm the minutes: the meeting, its agenda, documents, decisions and minutes are frozen for good."""
    locked = _open_meeting(meeting, acting_user)
    if not locked.minutes.strip():
        raise ValidationError(_("Write the minutes before confirming them."))
    locked.status = MeetingStatus.CONFIRMED
    locked.confirmed_at, locked.confirmed_by = timezone.now(), acting_user
    _save(locked)
    audit_record(actor=acting_user, action=Action.MINUTES_CONFIRMED, target=locked)
    return locked


@transaction.atomic
def decision_record(
    *, meeting: Meeting, acting_user, text: str, kind: str, subject=None, decided_on: date | None = None
) -> Decision:
    """Record a numbered decision of `meeting` (numbers run per year: 2026-01, 2026-02, ...).

    `subject` is the plan version, report, agreement or partner the decision applies to, as `kind` says; a
    budget change or other decision has none. Refused once the meeting's minutes are confirmed.
    """
    locked = _open_meeting(meeting, acting_user)
    decided_on = decided_on or locked.held_on
    name = SUBJECT_FIELDS.get(DecisionKind(kind))
    if (name is None) != (subject is None):
        raise ValidationError({"kind": _("Choose what this decision applies to.")})
    year = decided_on.year
    # Numbers are claimed under a lock on this year's decisions, so two clerks never take the same one.
    taken = Decision.objects.select_for_update().filter(year=year).values_list("sequence", flat=True)
    decision = Decision(
        meeting=locked,
        year=year,
        sequence=max(taken, default=0) + 1,
        decided_on=decided_on,
        text=text,
        kind=kind,
        created_by=acting_user,
    )
    if name:
        if name in ("plan", "report") and Decision.objects.filter(**{name: subject}).exists():
            raise ValidationError({"kind": _("A decision about this already exists.")})
        setattr(decision, name, subject)
    _save(decision)
    audit_record(actor=acting_user, action=Action.DECISION_RECORDED, target=decision, details={"kind": kind})
    return decision


def check_decision(*, decision: Decision | None, subject) -> Decision:
    """The decision `subject` (an annual plan version or a report) rests on; ValidationError when it does not."""
    if decision is None or not decision.applies_to(subject):
        raise ValidationError({"decision": _("Choose the steering group's decision this rests on.")})
    return decision


# --- Risks ---------------------------------------------------------------------------------------------


def _record_review(risk: Risk, acting_user, note: str) -> RiskReview:
    review = RiskReview(
        risk=risk,
        reviewed_on=risk.reviewed_on,
        reviewed_by=acting_user,
        likelihood=risk.likelihood,
        impact=risk.impact,
        status=risk.status,
        note=note,
    )
    _save(review)
    return review


@transaction.atomic
def risk_create(
    *,
    acting_user,
    title: str,
    cause: str,
    effect: str,
    likelihood: int,
    impact: int,
    owner,
    action_line=None,
) -> Risk:
    """Add a risk to the register (director or office); its first review is the scoring it starts with."""
    check(can_add_risks(acting_user))
    risk = Risk(
        action_line=action_line,
        title=title,
        cause=cause,
        effect=effect,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        reviewed_on=timezone.localdate(),
    )
    _save(risk)
    _record_review(risk, acting_user, "")
    audit_record(actor=acting_user, action=Action.RISK_CHANGED, target=risk, details={"created": True})
    return risk


@transaction.atomic
def risk_review(*, risk: Risk, acting_user, likelihood: int, impact: int, status: str, note: str = "") -> Risk:
    """Review a risk (its owner, its line's lead, the director or office): the new scores and status, dated
    today and kept in its history; this quarter's review reminder then has no cause any more."""
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    check(can_review_risk(acting_user, locked))
    before = {"likelihood": locked.likelihood, "impact": locked.impact, "status": locked.status}
    locked.likelihood, locked.impact, locked.status = likelihood, impact, status
    locked.reviewed_on = timezone.localdate()
    _save(locked)
    _record_review(locked, acting_user, note)
    after = {"likelihood": likelihood, "impact": impact, "status": status}
    audit_record(actor=acting_user, action=Action.RISK_CHANGED, target=locked, details={"from": before, "to": after})
    return locked


@transaction.atomic
def measure_add(*, risk: Risk, acting_user, description: str, due_on: date) -> RiskMeasure:
    check(can_review_risk(acting_user, risk))
    measure = RiskMeasure(risk=risk, description=description, due_on=due_on)
    _save(measure)
    audit_record(actor=acting_user, action=Action.RISK_CHANGED, target=risk, details={"measure": description})
    return measure


@transaction.atomic
def measure_done(*, measure: RiskMeasure, acting_user) -> RiskMeasure:
    check(can_review_risk(acting_user, measure.risk))
    locked = RiskMeasure.objects.select_for_update().get(pk=measure.pk)
    if locked.done_on is None:
        locked.done_on = timezone.localdate()
        _save(locked)
        audit_record(
            actor=acting_user, action=Action.RISK_CHANGED, target=measure.risk, details={"done": locked.description}
        )
    return locked


# --- The programme budget ------------------------------------------------------------------------------


@transaction.atomic
def budget_line_set(*, acting_user, year: int, category: str, funder, budget_code: str, amount: Decimal) -> BudgetLine:
    """Set what `funder` budgets for `category` in `year` (director or office): one line per funder, category
    and year, replaced when set again."""
    check(can_manage_budget(acting_user))
    line = BudgetLine.objects.select_for_update().filter(year=year, category=category, funder=funder).first()
    line = line or BudgetLine(year=year, category=category, funder=funder, created_by=acting_user)
    before = None if line.pk is None else str(line.amount)
    line.budget_code, line.amount = budget_code, amount
    _save(line)
    details = {"year": year, "category": category, "budget": str(amount), "before": before}
    audit_record(actor=acting_user, action=Action.BUDGET_CHANGED, target=line, details=details)
    return line


@transaction.atomic
def spending_add(
    *, acting_user, on_date: date, category: str, kind: str, description: str, amount: Decimal, reference: str = ""
) -> Spending:
    """Enter a commitment or actual spending (an invoice or a period's total) against a cost category."""
    check(can_manage_budget(acting_user))
    spending = Spending(
        year=on_date.year,
        on_date=on_date,
        category=category,
        kind=kind,
        description=description,
        reference=reference,
        amount=amount,
        entered_by=acting_user,
    )
    _save(spending)
    details = {"kind": kind, "category": category, "amount": str(amount)}
    audit_record(actor=acting_user, action=Action.BUDGET_CHANGED, target=spending, details=details)
    return spending
