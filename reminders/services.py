"""Reminder rules and delivery: the daily job, the message of each rule, the send, and a user's choices.

The daily job (`reminders_run`) asks every rule who is due a reminder today, claims each reminder by
INSERTing it under its unique key (rule, subject, recipient, deadline, lead time) with ON CONFLICT DO NOTHING,
and queues one delivery task per claimed row once the claim has committed. A second run the same day, a
retry or a second beat process finds the keys taken and sends nothing more. The delivery
(`reminder_deliver`) checks that the cause is still there (the period not yet submitted, the milestone not
done), marks the row sent by a conditional UPDATE (one write, so a duplicate task finds it taken) and only
then sends the e-mail.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionlines.models import AnnualPlan, Milestone
from audit.models import Action
from audit.services import audit_record
from contributions.models import Contribution, ReportingPeriod
from governance.models import Risk
from partners.models import Agreement, Role
from partners.permissions import is_programme_staff, representative_pairs, users_with_role
from partners.selectors import agreement_status
from reminders.models import LeadTimes, Preference, Reminder, Rule, Status, new_calendar_token
from reminders.selectors import (
    milestone_by_key,
    milestone_people,
    open_milestones,
    partners_missing,
    represents,
    safe_path,
    still_missing,
)

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The e-mail could not be handed to the mail server; the task retries it."""


@dataclass(frozen=True)
class Due:
    """A reminder that a rule says is due today, before it is claimed."""

    rule: str
    subject: str
    recipient_id: int
    deadline: date
    lead_days: int
    params: dict = field(default_factory=dict, hash=False, compare=False)
    essential: bool = False

    @property
    def key(self) -> tuple:
        return (self.rule, self.subject, self.recipient_id, self.deadline, self.lead_days)


@dataclass
class Message:
    """What a reminder says, in the recipient's language: for the e-mail and the in-app list."""

    title: str
    paragraphs: list[str]
    link: str
    link_label: str
    items: list[str] = field(default_factory=list)


def _long(day: date) -> str:
    return date_format(day, "j F Y")


def _in_days(days: int) -> str:
    if days == 0:
        return _("today")
    if days < 0:
        return ngettext("%(days)d day ago", "%(days)d days ago", -days) % {"days": -days}
    return ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}


def _director_ids() -> list[int]:
    return list(users_with_role(Role.DIRECTOR).order_by("pk").values_list("pk", flat=True))


# --- The rules: who is due what on `day` -------------------------------------------------------


def _period_due(day: date, lead: LeadTimes) -> list[Due]:
    """Representatives of each party with nothing submitted, some days before the period's deadline."""
    due = []
    for days in sorted(LeadTimes.days(lead.period_due_days)):
        deadline = day + timedelta(days=days)
        for period in ReportingPeriod.objects.open().filter(deadline=deadline):
            missing = partners_missing(period)
            reps = representative_pairs(p.pk for p in missing)
            for partner in missing:
                for user_id in reps.get(partner.pk, []):
                    due.append(
                        Due(
                            Rule.PERIOD_DUE,
                            f"period-{period.pk}/partner-{partner.pk}",
                            user_id,
                            deadline,
                            days,
                            {"period": period.pk, "partner": partner.pk},
                        )
                    )
    return due


def _period_missing(day: date, lead: LeadTimes) -> list[Due]:
    """The director, the day after a deadline, when partners have still submitted nothing."""
    deadline = day - timedelta(days=lead.period_missing_days_after)
    due = []
    for period in ReportingPeriod.objects.filter(deadline=deadline):
        if partners_missing(period):
            due += [
                Due(
                    Rule.PERIOD_MISSING,
                    f"period-{period.pk}",
                    user_id,
                    deadline,
                    -lead.period_missing_days_after,
                    {"period": period.pk},
                    essential=True,
                )
                for user_id in _director_ids()
            ]
    return due


def _returned_on(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def _returned(day: date, lead: LeadTimes) -> list[Due]:
    """The partner's representatives, when a returned contribution has not been resubmitted after N days."""
    returned_on = day - timedelta(days=lead.returned_days)
    start, end = _returned_on(returned_on)
    items = list(
        Contribution.objects.returned()
        .filter(reviewed_at__gte=start, reviewed_at__lt=end)
        .values_list("pk", "partner_id")
    )
    reps = representative_pairs({partner_id for _pk, partner_id in items})
    return [
        Due(
            Rule.RETURNED,
            f"contribution-{pk}",
            user_id,
            returned_on,
            -lead.returned_days,
            {"contribution": pk, "partner": partner_id},
        )
        for pk, partner_id in items
        for user_id in reps.get(partner_id, [])
    ]


def _agreement_end(day: date, lead: LeadTimes) -> list[Due]:
    """The director and the steering group, some days before the current agreement ends."""
    status = agreement_status(on=day)
    if status.agreement is None or status.has_ended or status.days_left not in LeadTimes.days(lead.agreement_end_days):
        return []
    recipients = users_with_role(Role.DIRECTOR, Role.STEERING).order_by("pk").values_list("pk", flat=True)
    return [
        Due(
            Rule.AGREEMENT_END,
            f"agreement-{status.agreement.pk}",
            user_id,
            status.agreement.ends_on,
            status.days_left,
            {"agreement": status.agreement.pk},
        )
        for user_id in recipients
    ]


def _agreement_ended(day: date, lead: LeadTimes) -> list[Due]:
    """The director and the steering group, the day after the agreement ended without a successor."""
    status = agreement_status(on=day)
    after = lead.agreement_ended_days_after
    if status.agreement is None or not status.has_ended or status.successor or status.days_left != -after:
        return []
    directors = set(_director_ids())
    recipients = users_with_role(Role.DIRECTOR, Role.STEERING).order_by("pk").values_list("pk", flat=True)
    return [
        Due(
            Rule.AGREEMENT_ENDED,
            f"agreement-{status.agreement.pk}",
            user_id,
            status.agreement.ends_on,
            -after,
            {"agreement": status.agreement.pk},
            essential=user_id in directors,
        )
        for user_id in recipients
    ]


def _milestone_due(day: date, lead: LeadTimes) -> list[Due]:
    """The milestone's owner (or its line's leads), some days before its due date and on the day."""
    days_set = LeadTimes.days(lead.milestone_due_days)
    milestones = open_milestones().filter(due_on__in=[day + timedelta(days=d) for d in days_set])
    cache: dict = {}
    return [
        Due(
            Rule.MILESTONE_DUE,
            f"milestone-{milestone.key}",
            user_id,
            milestone.due_on,
            (milestone.due_on - day).days,
            {"milestone": str(milestone.key)},
        )
        for milestone in milestones
        for user_id in milestone_people(milestone, cache)
    ]


def _milestone_late(day: date, lead: LeadTimes) -> list[Due]:
    """A late milestone, the day after its due date and then every week: its owner and the director."""
    every = lead.milestone_late_every_days
    cache: dict = {}
    directors = _director_ids()
    due = []
    for milestone in open_milestones().filter(due_on__lt=day):
        days_late = (day - milestone.due_on).days
        if (days_late - 1) % every:
            continue
        people = milestone_people(milestone, cache)
        for user_id in dict.fromkeys([*people, *directors]):
            due.append(
                Due(
                    Rule.MILESTONE_LATE,
                    f"milestone-{milestone.key}",
                    user_id,
                    milestone.due_on,
                    -days_late,
                    {"milestone": str(milestone.key)},
                    essential=user_id in directors,
                )
            )
    return due


def _annual_plan(day: date, lead: LeadTimes) -> list[Due]:
    """The director, on 1 December (by default) when next year's annual plan is not adopted."""
    if (day.month, day.day) != (lead.annual_plan_month, lead.annual_plan_day):
        return []
    year = day.year + 1
    if AnnualPlan.objects.adopted().for_year(year).exists():
        return []
    return [
        Due(Rule.ANNUAL_PLAN, f"annual-plan-{year}", user_id, day, 0, {"year": year}, essential=True)
        for user_id in _director_ids()
    ]


# The risk owners' quarterly review: reminded this many days before the quarter ends, once per risk and quarter,
# unless the risk was reviewed in the quarter already.
RISK_REVIEW_DAYS_BEFORE = 14


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    starts = date(day.year, first_month, 1)
    ends = (date(day.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)) - timedelta(days=1)
    return starts, ends


def _risk_review(day: date, lead: LeadTimes) -> list[Due]:
    """Each active risk's owner, two weeks before the quarter ends, when the risk was not reviewed this quarter."""
    starts, ends = quarter_of(day)
    if (ends - day).days != RISK_REVIEW_DAYS_BEFORE:
        return []
    risks = Risk.objects.active().filter(reviewed_on__lt=starts, owner__is_active=True).values_list("pk", "owner_id")
    return [
        Due(Rule.RISK_REVIEW, f"risk-{pk}", owner_id, ends, RISK_REVIEW_DAYS_BEFORE, {"risk": pk})
        for pk, owner_id in risks
    ]


RULES: list[Callable[[date, LeadTimes], list[Due]]] = [
    _period_due,
    _period_missing,
    _returned,
    _agreement_end,
    _agreement_ended,
    _milestone_due,
    _milestone_late,
    _annual_plan,
    _risk_review,
]


# --- What each rule says (None: the cause is gone, nothing is sent) ----------------------------


def _message_period_due(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    names = still_missing(period_id=params["period"], partner_id=params["partner"], deadline=deadline, user=user)
    if names is None:
        return None
    period = ReportingPeriod(pk=params["period"])
    values = {"partner": names[0], "period": names[1], "date": _long(deadline), "when": _in_days(lead_days)}
    return Message(
        title=_("Submit the contributions of %(partner)s for %(period)s by %(date)s") % values,
        paragraphs=[
            _("%(partner)s has not submitted any contributions for reporting period %(period)s yet.") % values,
            _("The deadline is %(date)s (%(when)s). Submit what your organisation contributed in this period.")
            % values,
        ],
        link=safe_path(period.get_absolute_url),
        link_label=_("Open reporting period %(period)s") % values,
    )


def _message_period_missing(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    period = ReportingPeriod.objects.filter(pk=params["period"]).first()
    if period is None:
        return None
    missing = partners_missing(period)
    if not missing:
        return None
    values = {"period": period.name, "date": _long(period.deadline), "count": len(missing)}
    return Message(
        title=ngettext(
            "Reporting period %(period)s: %(count)d partner has not submitted",
            "Reporting period %(period)s: %(count)d partners have not submitted",
            len(missing),
        )
        % values,
        paragraphs=[
            _("The deadline for reporting period %(period)s was %(date)s. These partners have not submitted anything:")
            % values
        ],
        items=[partner.name for partner in missing],
        link=safe_path(period.get_absolute_url),
        link_label=_("Open reporting period %(period)s") % values,
    )


def _message_returned(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    contribution = (
        Contribution.objects.select_related("partner", "action_line")
        .returned()
        .filter(pk=params["contribution"], partner_id=params["partner"])
        .filter(represents(user, params["partner"]))
        .first()
    )
    if contribution is None or timezone.localdate(contribution.reviewed_at) != deadline:
        return None
    values = {
        "partner": contribution.partner.name,
        "date": _long(contribution.date),
        "line": contribution.action_line.name,
        "returned": _long(deadline),
        "days": -lead_days,
        "comment": contribution.review_comment,
    }
    return Message(
        title=_("Returned contribution of %(partner)s waiting since %(returned)s") % values,
        paragraphs=[
            ngettext(
                "The contribution of %(partner)s of %(date)s (%(line)s) was returned %(days)d day ago, on "
                "%(returned)s, and has not been resubmitted.",
                "The contribution of %(partner)s of %(date)s (%(line)s) was returned %(days)d days ago, on "
                "%(returned)s, and has not been resubmitted.",
                -lead_days,
            )
            % values,
            _("The programme office wrote: “%(comment)s”") % values,
            _("Correct it and submit it again."),
        ],
        link=safe_path(contribution.get_absolute_url),
        link_label=_("Open the contribution"),
    )


def _successor_sentence(agreement: Agreement) -> str:
    successor = agreement.successor()
    if successor is None:
        return _("No successor agreement has been recorded yet; the arrangements must be renewed before the end date.")
    return _("A successor agreement is recorded: %(title)s, from %(date)s.") % {
        "title": successor.title,
        "date": _long(successor.starts_on),
    }


def _message_agreement_end(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    agreement = Agreement.objects.filter(pk=params["agreement"]).first()
    if agreement is None or agreement.ends_on != deadline:
        return None
    values = {"title": agreement.title, "date": _long(deadline), "days": lead_days}
    return Message(
        title=ngettext("%(title)s ends in %(days)d day", "%(title)s ends in %(days)d days", lead_days) % values,
        paragraphs=[_("The agreement “%(title)s” ends on %(date)s.") % values, _successor_sentence(agreement)],
        link=agreement.get_absolute_url(),
        link_label=_("Open the agreement"),
    )


def _message_agreement_ended(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    agreement = Agreement.objects.filter(pk=params["agreement"]).first()
    if agreement is None or agreement.ends_on != deadline or agreement.successor() is not None:
        return None
    values = {"title": agreement.title, "date": _long(deadline)}
    return Message(
        title=_("%(title)s has ended without a successor") % values,
        paragraphs=[
            _("The agreement “%(title)s” ended on %(date)s and no successor agreement has been recorded.") % values,
            _("Contributions can no longer be logged against it for dates after %(date)s.") % values,
        ],
        link=agreement.get_absolute_url(),
        link_label=_("Open the agreement"),
    )


def _milestone_values(milestone: Milestone, deadline: date, lead_days: int) -> dict:
    return {
        "title": milestone.title,
        "activity": milestone.activity.title,
        "line": milestone.activity.action_line.name,
        "date": _long(deadline),
        "when": _in_days(lead_days),
        "days": -lead_days,
    }


def _message_milestone_due(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    milestone = milestone_by_key(params["milestone"])
    if milestone is None or milestone.due_on != deadline or user.pk not in milestone_people(milestone):
        return None
    values = _milestone_values(milestone, deadline, lead_days)
    title = (
        _("Milestone “%(title)s” is due today") % values
        if lead_days == 0
        else _("Milestone “%(title)s” is due on %(date)s") % values
    )
    return Message(
        title=title,
        paragraphs=[
            _("The milestone “%(title)s” of %(activity)s (%(line)s) is due on %(date)s (%(when)s).") % values,
            _("When it is reached, record it as done in the annual plan."),
        ],
        link=safe_path(milestone.activity.get_absolute_url),
        link_label=_("Open the activity in the annual plan"),
    )


def _message_milestone_late(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    milestone = milestone_by_key(params["milestone"])
    if milestone is None or milestone.due_on != deadline:
        return None
    values = _milestone_values(milestone, deadline, lead_days)
    return Message(
        title=ngettext(
            "Milestone “%(title)s” is %(days)d day late",
            "Milestone “%(title)s” is %(days)d days late",
            -lead_days,
        )
        % values,
        paragraphs=[
            _("The milestone “%(title)s” of %(activity)s (%(line)s) was due on %(date)s and is not done.") % values,
            _("Record it as done, or agree on a new date."),
        ],
        link=safe_path(milestone.activity.get_absolute_url),
        link_label=_("Open the activity in the annual plan"),
    )


def _message_annual_plan(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    year = params["year"]
    if AnnualPlan.objects.adopted().for_year(year).exists():
        return None
    plan = AnnualPlan.objects.for_year(year).open().first()
    values = {"year": year, "date": _long(deadline)}
    state = (
        _("A draft of the annual plan %(year)s exists (%(status)s) but has not been adopted.")
        % {"year": year, "status": plan.get_status_display()}
        if plan
        else _("No annual plan %(year)s has been started yet.") % values
    )
    return Message(
        title=_("The annual plan %(year)s has not been adopted") % values,
        paragraphs=[
            _("Next year's annual plan should be adopted by %(date)s.") % values,
            state,
        ],
        link=safe_path(plan.get_absolute_url) if plan else safe_path(lambda: reverse("actionlines:plans")),
        link_label=_("Open the annual plan %(year)s") % values,
    )


def _message_risk_review(params: dict, deadline: date, lead_days: int, user) -> Message | None:
    risk = Risk.objects.active().filter(pk=params["risk"], owner=user).select_related("action_line").first()
    starts, ends = quarter_of(deadline)
    if risk is None or ends != deadline or risk.reviewed_on >= starts:
        return None  # closed, handed to someone else, or reviewed meanwhile
    values = {
        "title": risk.title,
        "date": _long(deadline),
        "score": risk.score,
        "line": risk.action_line.name if risk.action_line else _("the programme as a whole"),
        "reviewed": _long(risk.reviewed_on),
    }
    return Message(
        title=_("Review the risk “%(title)s” by %(date)s") % values,
        paragraphs=[
            _("You own the risk “%(title)s” (%(line)s), last reviewed on %(reviewed)s; its score is %(score)s.")
            % values,
            _("Review its likelihood, impact and measures before the quarter ends on %(date)s.") % values,
        ],
        link=safe_path(risk.get_absolute_url),
        link_label=_("Open the risk"),
    )


MESSAGES: dict[str, Callable[[dict, date, int, object], Message | None]] = {
    Rule.PERIOD_DUE: _message_period_due,
    Rule.PERIOD_MISSING: _message_period_missing,
    Rule.RETURNED: _message_returned,
    Rule.AGREEMENT_END: _message_agreement_end,
    Rule.AGREEMENT_ENDED: _message_agreement_ended,
    Rule.MILESTONE_DUE: _message_milestone_due,
    Rule.MILESTONE_LATE: _message_milestone_late,
    Rule.ANNUAL_PLAN: _message_annual_plan,
    Rule.RISK_REVIEW: _message_risk_review,
}


def language_of(user) -> str:
    try:
        return user.profile.language or settings.LANGUAGE_CODE
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def reminder_message(*, rule: str, params: dict, deadline: date, lead_days: int, user) -> Message | None:
    """The reminder's text in `user`'s language, or None when its cause is gone."""
    with translation.override(language_of(user)):
        return MESSAGES[rule](params, deadline, lead_days, user)


# --- The daily job ------------------------------------------------------------------------------


@dataclass
class RunResult:
    day: date
    due: list[Due]
    claimed: list[int]


def reminders_due(*, day: date) -> list[Due]:
    """Every reminder the rules say is due on `day`, less the non-essential ones people turned off."""
    lead = LeadTimes.current()
    unique: dict[tuple, Due] = {}
    for item in (item for rule in RULES for item in rule(day, lead)):
        unique.setdefault(item.key, item)
    due = list(unique.values())
    opted_out = set(
        Preference.objects.filter(
            non_essential=False, user_id__in={d.recipient_id for d in due if not d.essential}
        ).values_list("user_id", flat=True)
    )
    return [d for d in due if d.essential or d.recipient_id not in opted_out]


def reminders_not_yet_sent(due: list[Due]) -> list[Due]:
    """`due` less what is already recorded (for --dry-run: what a run would still send)."""
    if not due:
        return []
    taken = set(
        Reminder.objects.filter(
            rule__in={d.rule for d in due},
            recipient_id__in={d.recipient_id for d in due},
            deadline__in={d.deadline for d in due},
        ).values_list("rule", "subject", "recipient_id", "deadline", "lead_days")
    )
    return [d for d in due if d.key not in taken]


@transaction.atomic
def reminders_run(*, day: date, dry_run: bool = False) -> RunResult:
    """Claim every reminder due on `day` and queue one delivery task per claimed reminder after commit.

    A key already taken (sent earlier, or claimed by a run at the same moment) is skipped by the database.
    With `dry_run`, nothing is written or sent: `due` lists what would still go out.
    """
    due = reminders_not_yet_sent(reminders_due(day=day))
    if dry_run:
        return RunResult(day=day, due=due, claimed=[])
    run = uuid.uuid4()
    Reminder.objects.bulk_create(
        [
            Reminder(
                rule=d.rule,
                subject=d.subject,
                recipient_id=d.recipient_id,
                deadline=d.deadline,
                lead_days=d.lead_days,
                params=d.params,
                essential=d.essential,
                run=run,
            )
            for d in due
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    claimed = list(Reminder.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    # Rows left pending by an earlier run whose queueing was lost (broker down); safe to queue again,
    # because delivery claims each row by a conditional UPDATE.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    stale = Reminder.objects.filter(status=Status.PENDING, attempts=0, created_at__lt=an_hour_ago)
    claimed_or_stale = claimed + list(stale.values_list("pk", flat=True))
    from reminders.tasks import deliver

    for reminder_id in claimed_or_stale:
        transaction.on_commit(partial(deliver.delay, reminder_id), robust=True)
    logger.info("reminders for %s: %d due, %d claimed", day, len(due), len(claimed))
    return RunResult(day=day, due=due, claimed=claimed)


# --- Delivery -----------------------------------------------------------------------------------


def _email(reminder: Reminder, message: Message) -> EmailMultiAlternatives:
    context = {
        "user": reminder.recipient,
        "message": message,
        "url": settings.SITE_URL + message.link,
        "essential": reminder.essential,
        "preferences_url": settings.SITE_URL + reverse("reminders:preferences"),
    }
    text = render_to_string("emails/reminder.txt", context)
    html = render_to_string("emails/reminder.html", context)
    email = EmailMultiAlternatives(
        subject=message.title, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[reminder.recipient.email]
    )
    email.attach_alternative(html, "text/html")
    return email


def _message_of(reminder: Reminder) -> Message | None:
    return reminder_message(
        rule=reminder.rule,
        params=reminder.params,
        deadline=reminder.deadline,
        lead_days=reminder.lead_days,
        user=reminder.recipient,
    )


def _body(message: Message) -> str:
    """The in-app text: the paragraphs, then the listed items, one per line."""
    return "\n".join([*message.paragraphs, *(f"– {item}" for item in message.items)])


def reminder_deliver(*, reminder_id: int) -> str:
    """Send one reminder by e-mail and show it in the app; returns the new status.

    Cancels it when its cause is gone or the recipient left. Otherwise claims it with one conditional
    UPDATE (pending → sent, with the text the app shows) before the e-mail goes out, so a second copy of
    the task sends nothing. When the mail server refuses it, the row goes back to pending and
    DeliveryError is raised, for the task to retry.
    """
    reminder = (
        Reminder.objects.select_related("recipient__profile").filter(pk=reminder_id, status=Status.PENDING).first()
    )
    if reminder is None:
        return "skipped"
    user = reminder.recipient
    message = _message_of(reminder) if user.is_active else None
    pending = Reminder.objects.filter(pk=reminder_id, status=Status.PENDING)
    if message is None:
        pending.update(status=Status.CANCELLED)
        return Status.CANCELLED
    emailed = bool(user.email)
    claimed = pending.update(
        status=Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        title=message.title[:300],
        body=_body(message),
        link=message.link,
        emailed=emailed,
        last_error="",
    )
    if not claimed:
        return "skipped"
    if emailed:
        with translation.override(language_of(user)):
            email = _email(reminder, message)
        try:
            email.send()
        except Exception as exc:  # noqa: BLE001 - any mail failure is retried, then recorded
            error = f"{exc.__class__.__name__}: {exc}"[:500]
            Reminder.objects.filter(pk=reminder_id, status=Status.SENT).update(
                status=Status.PENDING, sent_at=None, last_error=error
            )
            raise DeliveryError(error) from exc
    return Status.SENT


def reminder_fail(*, reminder_id: int, error: str) -> None:
    """Record that the e-mail could not be sent after every retry; the reminder still shows in the app."""
    # The text the app shows was stored when the last attempt claimed the reminder.
    Reminder.objects.filter(pk=reminder_id, status=Status.PENDING).update(status=Status.FAILED, last_error=error[:500])
    logger.warning("reminder %s failed: %s", reminder_id, error)


# --- The user's side ----------------------------------------------------------------------------


def reminder_mark_read(*, reminder: Reminder, user) -> None:
    Reminder.objects.filter(pk=reminder.pk, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def reminders_mark_all_read(*, user) -> int:
    return Reminder.objects.for_user(user).unread().update(read_at=timezone.now())


def preference_for(user) -> Preference:
    preference, _created = Preference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def preference_update(*, user, non_essential: bool) -> Preference:
    """Turn the user's non-essential reminders on or off (escalations to the director are always sent)."""
    preference = preference_for(user)
    preference.non_essential = non_essential
    preference.full_clean()
    preference.save(update_fields=["non_essential"])
    return preference


@transaction.atomic
def calendar_token_renew(*, user) -> Preference:
    """Give the user a new secret calendar address; the old one stops working at once."""
    preference = preference_for(user)
    preference.calendar_token = new_calendar_token()
    preference.full_clean()
    preference.save(update_fields=["calendar_token"])
    audit_record(actor=user, action=Action.CALENDAR_TOKEN_RENEWED, target=user)  # never the token itself
    return preference


@transaction.atomic
def lead_times_update(*, lead_times: LeadTimes, acting_user) -> LeadTimes:
    """Save the office's lead times (validated)."""
    if not is_programme_staff(acting_user):
        raise PermissionDenied
    lead_times.pk = 1
    lead_times.full_clean()
    lead_times.save()
    values = {
        field.name: getattr(lead_times, field.name) for field in LeadTimes._meta.concrete_fields if field.name != "id"
    }
    audit_record(actor=acting_user, action=Action.LEAD_TIMES_CHANGED, target=lead_times, details=values)
    return lead_times
