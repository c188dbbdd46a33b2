import re
import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionlines.models import ActionLine
from partners.models import Agreement, Partner

CENT = Decimal("0.01")
MAX_HOURS = Decimal("2000")
MAX_VALUE = Decimal("10000000")
MAX_DESCRIPTION = 2000  # characters, a line break one (the form, the service and the import alike)
DEADLINE_DAYS_AFTER_PERIOD = 15


class Kind(models.TextChoices):
    STAFF_HOURS = "staff_hours", _("Staff hours (in kind)")
    FACILITIES = "facilities", _("Facilities and space (in kind)")
    MATERIALS = "materials", _("Materials and equipment (in kind)")
    OTHER = "other", _("Other (in kind)")
    MONEY = "money", _("Money (funded)")


IN_KIND = (Kind.STAFF_HOURS, Kind.FACILITIES, Kind.MATERIALS, Kind.OTHER)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# The status groups, each named once: what a representative may still change, and what counts as submitted
# (readers outside the partner see these; a period with one of them needs no reminder).
EDITABLE = (Status.DRAFT, Status.RETURNED)
SUBMITTED_OR_APPROVED = (Status.SUBMITTED, Status.APPROVED)


class TransitionError(Exception):
    """A status change that the workflow does not allow (e.g. approving a draft)."""


class ReportingPeriodQuerySet(models.QuerySet):
    def containing(self, day: date) -> "ReportingPeriodQuerySet":
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def open(self) -> "ReportingPeriodQuerySet":
        return self.filter(closed_at__isnull=True)


QUARTER_NAME = re.compile(r"(\d{4})-K([1-4])")


def period_label(name: str) -> str:
    """A period's stored name (2026-K4: a quarter, the key in URLs, imports and filters) in the active
    language: 2026-K4 (kwartaal) in Dutch, 2026-Q4 (quarter) in English. Other names as they are."""
    found = QUARTER_NAME.fullmatch(name)
    if found is None:
        return name
    return _("%(year)s-Q%(quarter)s") % {"year": found[1], "quarter": found[2]}


class ReportingPeriod(models.Model):
    """A period (a quarter by default) for which partners submit their contributions by a deadline."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deadline = models.DateField(_("submission deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "starts_on"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"),
            models.CheckConstraint(condition=Q(deadline__gte=F("ends_on")), name="period_deadline_after_end"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("contributions:period", args=[self.pk])

    @property
    def label(self) -> str:
        """The name as the reader's language writes it: 2026-K4 in Dutch, 2026-Q4 in English."""
        return period_label(self.name)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @staticmethod
    def default_deadline(ends_on: date) -> date:
        return ends_on + timedelta(days=DEADLINE_DAYS_AFTER_PERIOD)


class HourlyRateQuerySet(models.QuerySet):
    def in_force(self, *, partner: Partner, on: date) -> "HourlyRate | None":
        """The partner's own rate valid on `on`, else the programme-wide rate valid on `on`."""
        valid = self.filter(valid_from__lte=on).order_by("-valid_from")
        return valid.filter(partner=partner).first() or valid.filter(partner__isnull=True).first()


class HourlyRate(models.Model):
    """A dated rate card entry: programme-wide (no partner) or a partner's own cost-price rate."""

    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hourly_rates",
        help_text=_("Empty for the programme-wide fixed rate."),
    )
    rate = models.DecimalField(_("hourly rate (€)"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = HourlyRateQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name", "-valid_from"]
        verbose_name = _("hourly rate")
        verbose_name_plural = _("hourly rates")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="hourly_rate_positive"),
            models.UniqueConstraint(fields=["partner", "valid_from"], name="hourly_rate_once_per_day"),
            models.UniqueConstraint(
                fields=["valid_from"], condition=Q(partner__isnull=True), name="programme_rate_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        who = self.partner.short_name if self.partner_id else _("programme")
        return f"{who}: € {self.rate} ({self.valid_from:%Y-%m-%d})"


class ContributionQuerySet(models.QuerySet):
    """The status groups as verbs; callers use these, never a status filter of their own."""

    def approved(self) -> "ContributionQuerySet":
        return self.filter(status=Status.APPROVED)

    def submitted(self) -> "ContributionQuerySet":
        return self.filter(status=Status.SUBMITTED)

    def returned(self) -> "ContributionQuerySet":
        return self.filter(status=Status.RETURNED)

    def editable(self) -> "ContributionQuerySet":
        """Drafts and returned items: what the partner's representatives may still change and submit."""
        return self.filter(status__in=EDITABLE)

    def submitted_or_approved(self) -> "ContributionQuerySet":
        """What people outside the partner may see, and what counts as submitted for a period."""
        return self.filter(status__in=SUBMITTED_OR_APPROVED)


class Contribution(models.Model):
    """One partner's contribution to an action line: hours × rate, or an amount in euros."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="contributions")
    action_line = models.ForeignKey(
        ActionLine, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("action line")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("reporting period")
    )
    # Optional: an activity of the adopted annual plan of the contribution's year, on the same action line.
    activity = models.ForeignKey(
        "actionlines.Activity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("activity"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_rate = models.DecimalField(_("hourly rate (€)"), max_digits=8, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value (€)"), max_digits=12, decimal_places=2)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    budget_code = models.CharField(_("budget code"), max_length=40, blank=True, help_text=_("e.g. E600014-001"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking: every save through a service bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="contribution_value_positive"),
            models.CheckConstraint(condition=Q(value__lte=MAX_VALUE), name="contribution_value_at_most_10m"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gt=0) & Q(hours__lte=MAX_HOURS)),
                name="contribution_hours_between_0_and_2000",
            ),
            models.CheckConstraint(
                condition=~Q(kind="staff_hours") | (Q(hours__isnull=False) & Q(hourly_rate__isnull=False)),
                name="contribution_staff_hours_have_hours_and_rate",
            ),
            models.CheckConstraint(
                condition=Q(kind="staff_hours") | Q(amount__isnull=False), name="contribution_other_kinds_have_amount"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "-date", "-id"], name="contribution_partner_list"),
            models.Index(fields=["status", "submitted_at", "id"], name="contribution_review_queue"),
            models.Index(fields=["period", "partner", "status"], name="contribution_period_partner"),
            # The director's overview: a partner's oldest waiting submission, and whether a party has submitted
            # anything in the running period, each one index seek per partner (small partial indexes).
            models.Index(
                fields=["partner", "submitted_at"],
                condition=Q(status="submitted"),
                name="contribution_waiting_partner",
            ),
            models.Index(
                fields=["period", "partner"],
                condition=Q(submitted_at__isnull=False),
                name="contribution_period_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.short_name} · {self.get_kind_display()} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("contributions:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Representatives may change drafts and returned items only."""
        return self.status in EDITABLE

    def compute_value(self) -> Decimal:
        """hours × hourly rate for staff hours, else the amount; rounded to cents."""
        if self.kind == Kind.STAFF_HOURS:
            if self.hours is None or self.hourly_rate is None:
                return Decimal("0")
            return (self.hours * self.hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP)
        return (self.amount or Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)

    # State transitions: each checks the current status and raises TransitionError when not allowed.
    def _move(self, allowed_from: tuple[str, ...], to: str) -> None:
        if self.status not in allowed_from:
            raise TransitionError(
                _("A contribution with status “%(status)s” cannot become “%(to)s”.")
                % {"status": self.get_status_display(), "to": Status(to).label}
            )
        self.status = to

    def submit(self) -> None:
        self._move((Status.DRAFT, Status.RETURNED), Status.SUBMITTED)
        self.submitted_at = timezone.now()

    def approve(self, *, by) -> None:
        self._move((Status.SUBMITTED,), Status.APPROVED)
        self.reviewed_by, self.reviewed_at, self.review_comment = by, timezone.now(), ""

    def return_to_partner(self, *, by, comment: str) -> None:
        self._move((Status.SUBMITTED,), Status.RETURNED)
        self.reviewed_by, self.reviewed_at, self.review_comment = by, timezone.now(), comment

    def reopen(self, *, by, reason: str) -> None:
        self._move((Status.APPROVED,), Status.RETURNED)
        self.reviewed_by, self.reviewed_at, self.review_comment = by, timezone.now(), reason


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Never the uploader's file name on disk: a generated one, with the checked extension.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{instance.contribution.partner_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file that supports a contribution (timesheet, invoice, photo). Served only by a checked view."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("contributions:evidence", args=[self.pk])


class ContributionPolicy(models.Model):
    """Programme-wide review rules the office sets (one row)."""

    evidence_threshold = models.DecimalField(
        _("evidence required above (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("25000"),
        help_text=_("A contribution worth more than this needs evidence before it can be submitted."),
    )

    class Meta:
        verbose_name = _("contribution policy")
        verbose_name_plural = _("contribution policy")

    def __str__(self) -> str:
        return str(_("Contribution policy"))

    @classmethod
    def current(cls) -> "ContributionPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class ContributionSummary(models.Model):
    """Running totals per partner × action line × period × month × activity × status: per kind the number of
    contributions and their value, and the staff hours. Kept by `contributions.figures.summary_apply`, which
    the services of contributions/services.py call in the transaction of every change to a contribution;
    `summaries_rebuild` checks it against a recount and repairs it.

    The pages' totals read these rows (`figures.totals`) instead of summing every contribution, so they cost
    the same at 1,000 or 1,000,000 contributions: the number of rows is bounded by the combinations that occur
    (partners, lines, months, activities, statuses), not by the number of contributions. The kinds are columns,
    not part of the key: a page reads a fifth of the rows it would otherwise, and adds no filter per kind.

    `month` is the first day of the contributions' month, so a range of whole months (a quarter, a year) is
    read from here; `period` stays in the key because a reporting period need not follow month boundaries.

    `activity` is NULL for contributions without one. A unique key over a nullable column does not make two
    NULLs collide, and PostgreSQL's NULLS NOT DISTINCT has no SQLite equivalent; so the key is a unique
    index over the expression COALESCE(activity_id, 0) (activity ids start at 1), which both databases
    support and which the upsert's ON CONFLICT names as its target. Contribution.activity is PROTECT: an
    activity cannot be deleted while a contribution points at it, so its summary rows hold only zeros by then
    (left behind when its contributions moved elsewhere) and are deleted with it (CASCADE), as are the rows of
    a deleted partner, line or period.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    activity = models.ForeignKey("actionlines.Activity", null=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)  # of the staff hours
    count_staff_hours = models.IntegerField(default=0)
    count_facilities = models.IntegerField(default=0)
    count_materials = models.IntegerField(default=0)
    count_other = models.IntegerField(default=0)
    count_money = models.IntegerField(default=0)
    value_staff_hours = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    value_facilities = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    value_materials = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    value_other = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    value_money = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("contribution totals")
        verbose_name_plural = _("contribution totals")
        constraints = [
            models.UniqueConstraint(
                F("partner"),
                F("action_line"),
                F("period"),
                F("month"),
                Coalesce(F("activity"), Value(0), output_field=models.BigIntegerField()),
                F("status"),
                name="contribution_summary_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "partner"], name="contribution_summary_status"),
            models.Index(fields=["month", "status"], name="contribution_summary_month"),
        ]

    def __str__(self) -> str:
        key = (
            self.partner_id,
            self.action_line_id,
            self.period_id,
            f"{self.month:%Y-%m}",
            self.activity_id,
            self.status,
        )
        return "/".join(str(part) for part in key)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    READY = "ready", _("Checked")
    IMPORTING = "importing", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


# A task still "checking" or "importing" this long after it started was stopped (its time limit is shorter).
IMPORT_STALE_AFTER = timedelta(minutes=10)


def import_upload_path(instance: "ImportJob", filename: str) -> str:
    # Never the uploader's file name on disk.
    return f"imports/{instance.created_by_id}/{uuid.uuid4().hex}.upload"


class ImportJob(models.Model):
    """An uploaded contributions file on its way in (contributions/imports.py).

    A Celery task reads and checks the file once and keeps the result here (the rows to import, the
    problems by row and column, the totals), so the preview page only reads this row; the uploaded file
    goes once it is checked. Confirming queues the import of the kept rows, all or nothing. A job belongs
    to the user who uploaded it, for one partner they act for; abandoned jobs are deleted after a day.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    language = models.CharField(max_length=8, default="nl")
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # The checked rows as the import needs them (only when no row has an error); see imports.py.
    rows = models.JSONField(default=list, blank=True)
    # The column names as written in the file (field -> name), and the columns that were not used.
    headers = models.JSONField(default=dict, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=dict, blank=True)  # {"errors": [[row, column, message]], "warnings": [...]}
    totals = models.JSONField(default=list, blank=True)  # per action line: [id, count, hours, in kind, funded]
    error_count = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_progress_at_most_100"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ImportStatus]), name="import_status_known"),
        ]
        indexes = [models.Index(fields=["created_at"], name="import_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("contributions:import_job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        """Waiting for or in a task, and not stopped (a worker gone, a time limit hit: then it is stale)."""
        if self.status not in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING):
            return False
        return timezone.now() - (self.started_at or self.created_at) < IMPORT_STALE_AFTER

    @property
    def is_stale(self) -> bool:
        running = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING)
        return self.status in running and not self.is_running

    @property
    def can_be_imported(self) -> bool:
        return self.status == ImportStatus.READY and not self.error_count and self.row_count > 0
