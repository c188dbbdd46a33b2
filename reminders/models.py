import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    """The reminder rules. Escalations to the director are marked essential by the service."""

    PERIOD_DUE = "period_due", _("Reporting period deadline approaching")
    PERIOD_MISSING = "period_missing", _("Partners missing after a reporting deadline")
    RETURNED = "returned", _("Returned contribution not resubmitted")
    MILESTONE_DUE = "milestone_due", _("Milestone due")
    MILESTONE_LATE = "milestone_late", _("Milestone late")
    ANNUAL_PLAN = "annual_plan", _("Next year's annual plan not adopted")
    AGREEMENT_END = "agreement_end", _("Agreement ending")
    AGREEMENT_ENDED = "agreement_ended", _("Agreement ended without a successor")
    RISK_REVIEW = "risk_review", _("Quarterly risk review due")


def _days_list_validator(value: str) -> None:
    validate_comma_separated_integer_list(value.replace(" ", ""))
    if any(int(part) < 0 or int(part) > 730 for part in value.replace(" ", "").split(",")):
        raise ValidationError(_("Use whole days from 0 to 730, separated by commas."))


class LeadTimes(models.Model):
    """The lead times of every rule, in days (one row, edited by the programme office)."""

    period_due_days = models.CharField(
        _("reporting deadline: days before"),
        max_length=60,
        default="7,1",
        validators=[_days_list_validator],
        help_text=_("Representatives of partners that have submitted nothing are reminded this many days before."),
    )
    period_missing_days_after = models.PositiveSmallIntegerField(
        _("reporting deadline: days after, to the director"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    returned_days = models.PositiveSmallIntegerField(
        _("returned contribution: days after returning"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    milestone_due_days = models.CharField(
        _("milestone: days before the due date"),
        max_length=60,
        default="14,0",
        validators=[_days_list_validator],
        help_text=_("0 means on the due date itself."),
    )
    milestone_late_every_days = models.PositiveSmallIntegerField(
        _("late milestone: repeat every so many days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    annual_plan_month = models.PositiveSmallIntegerField(
        _("annual plan: adopted by (month)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    annual_plan_day = models.PositiveSmallIntegerField(
        _("annual plan: adopted by (day)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    agreement_end_days = models.CharField(
        _("agreement end: days before"),
        max_length=60,
        default="180,90,60,30,7",
        validators=[_days_list_validator],
    )
    agreement_ended_days_after = models.PositiveSmallIntegerField(
        _("agreement ended: days after"), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("reminder lead times")
        verbose_name_plural = _("reminder lead times")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="lead_times_single_row")]

    def __str__(self) -> str:
        return str(_("Reminder lead times"))

    def clean(self) -> None:
        # "10, 3" is stored as "10,3": largest first, each number once.
        for name in ("period_due_days", "milestone_due_days", "agreement_end_days"):
            value = getattr(self, name)
            try:
                setattr(self, name, ",".join(str(d) for d in sorted(self.days(value), reverse=True)))
            except ValueError:
                pass  # the field's validator reports it

    @classmethod
    def current(cls) -> "LeadTimes":
        """The saved lead times, or the defaults (unsaved: reading never writes, so two runs never wait)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @staticmethod
    def days(value: str) -> frozenset[int]:
        return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("E-mail failed")
    CANCELLED = "cancelled", _("Not sent: no longer needed")


class ReminderQuerySet(models.QuerySet):
    def delivered(self) -> "ReminderQuerySet":
        """What the recipient sees in the app: sent, or shown in the app although the e-mail failed."""
        return self.filter(status__in=[Status.SENT, Status.FAILED])

    def for_user(self, user) -> "ReminderQuerySet":
        return self.filter(recipient=user).delivered()

    def unread(self) -> "ReminderQuerySet":
        return self.filter(read_at__isnull=True)


class Reminder(models.Model):
    """One reminder to one person: claimed once under its key, then sent by e-mail and shown in the app.

    The key (rule, subject, recipient, deadline, lead time) is unique, so a retry, a second run of the same
    day or a second beat process cannot send it again.
    """

    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    subject = models.CharField(_("subject"), max_length=80, help_text=_("What the reminder is about, as a key."))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    deadline = models.DateField(_("deadline"))
    lead_days = models.SmallIntegerField(_("days before the deadline"), help_text=_("Negative: days after."))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    essential = models.BooleanField(_("essential"), default=False)
    run = models.UUIDField(_("claimed by run"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject", "recipient", "deadline", "lead_days"], name="reminder_sent_once"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "status", "read_at"], name="reminder_inbox")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.subject} · {self.recipient} · {self.deadline} ({self.lead_days})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Preference(models.Model):
    """A user's reminder choices: non-essential reminders on or off, and the secret calendar feed token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    non_essential = models.BooleanField(
        _("send me reminders"),
        default=True,
        help_text=_("Escalations to the programme director are always sent."),
    )
    calendar_token = models.CharField(_("calendar token"), max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)
