import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from lifeport.lib.renders import render_is_stale


class ActionLine(models.Model):
    """One of the six action lines of the multi-year plan."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, unique=True)
    goal_nl = models.TextField(_("goal (Dutch)"), blank=True)
    goal_en = models.TextField(_("goal (English)"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        permissions = [("lead_action_line", _("Leads this action line"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actionlines:detail", args=[self.code])

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def goal(self) -> str:
        if (get_language() or "nl").startswith("en"):
            return self.goal_en or self.goal_nl
        return self.goal_nl


class ActionLineUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ActionLine, on_delete=models.CASCADE)


class ActionLineGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ActionLine, on_delete=models.CASCADE)


# --- The multi-year plan and the annual plan ------------------------------------------------------

FIRST_PLAN_YEAR = 2026


def _money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, default=Decimal("0"), **kwargs)


def _hours_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=1, default=Decimal("0"), **kwargs)


class MultiYearTarget(models.Model):
    """What the multi-year plan (meerjarenplan) aims for on one action line in one year."""

    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    goal = models.TextField(_("goal for this year"), max_length=4000)
    hours = _hours_field(_("target in-kind hours"))
    in_kind_value = _money_field(_("target in-kind value (€)"))
    money = _money_field(_("target funding (€)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "action_line__ordering"]
        verbose_name = _("multi-year target")
        verbose_name_plural = _("multi-year targets")
        constraints = [
            models.UniqueConstraint(fields=["action_line", "year"], name="target_once_per_line_and_year"),
            models.CheckConstraint(condition=Q(year__gte=FIRST_PLAN_YEAR), name="target_year_from_2026"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(in_kind_value__gte=0) & Q(money__gte=0), name="target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_line} {self.year}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.IN_REVIEW)


class PlanTransitionError(Exception):
    """A change of plan status that the workflow does not allow (e.g. adopting a draft)."""


class AnnualPlanQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "AnnualPlanQuerySet":
        return self.filter(year=year)

    def adopted(self) -> "AnnualPlanQuerySet":
        return self.filter(status=PlanStatus.ADOPTED)

    def open(self) -> "AnnualPlanQuerySet":
        return self.filter(status__in=OPEN_PLAN_STATUSES)


class AnnualPlan(models.Model):
    """The jaarplan of one year, in versions: one draft or in-review version at a time, one adopted."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    narrative = models.TextField(_("introduction"), blank=True, max_length=20000)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
        verbose_name=_("started from"),
        help_text=_("The earlier version, or last year's plan, this plan was copied from."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    review_started_at = models.DateTimeField(_("sent for review at"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="plan_version_once"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="adopted"), name="plan_one_adopted_version_per_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status__in=["draft", "in_review"]), name="plan_one_open_version_per_year"
            ),
            models.CheckConstraint(condition=Q(year__gte=FIRST_PLAN_YEAR), name="plan_year_from_2026"),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_from_1"),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_at__isnull=False), name="plan_adopted_has_date"
            ),
        ]

    def __str__(self) -> str:
        return _("Annual plan %(year)s (version %(version)s)") % {"year": self.year, "version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("actionlines:plan", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_in_review(self) -> bool:
        return self.status == PlanStatus.IN_REVIEW

    @property
    def is_adopted(self) -> bool:
        return self.status == PlanStatus.ADOPTED

    @property
    def is_frozen(self) -> bool:
        """Adopted and replaced versions never change; a new version is started instead."""
        return self.status in (PlanStatus.ADOPTED, PlanStatus.SUPERSEDED)

    # State transitions: each checks the current status and raises PlanTransitionError when not allowed.
    def _move(self, allowed_from: tuple[str, ...], to: str) -> None:
        if self.status not in allowed_from:
            raise PlanTransitionError(
                _("A plan with status “%(status)s” cannot become “%(to)s”.")
                % {"status": self.get_status_display(), "to": PlanStatus(to).label}
            )
        self.status = to

    def send_for_review(self) -> None:
        self._move((PlanStatus.DRAFT,), PlanStatus.IN_REVIEW)
        self.review_started_at = timezone.now()

    def back_to_draft(self) -> None:
        self._move((PlanStatus.IN_REVIEW,), PlanStatus.DRAFT)

    def adopt(self, *, by) -> None:
        self._move((PlanStatus.IN_REVIEW,), PlanStatus.ADOPTED)
        self.adopted_at, self.adopted_by = timezone.now(), by

    def supersede(self) -> None:
        self._move((PlanStatus.ADOPTED,), PlanStatus.SUPERSEDED)
        self.superseded_at = timezone.now()


class Activity(models.Model):
    """An activity of an annual plan under one action line, with its budget and the partners' pledges."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="activities")
    action_line = models.ForeignKey(
        ActionLine, on_delete=models.PROTECT, related_name="activities", verbose_name=_("action line")
    )
    # The same activity across versions and years shares a key: comparison matches on it.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    lead_partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_activities",
        verbose_name=_("lead partner"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = _money_field(_("budget (€)"))
    funder = models.CharField(
        _("funder"), max_length=200, blank=True, help_text=_("Who funds the funded part, e.g. Gemeente Nijmegen.")
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action_line__ordering", "starts_on", "title", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="activity_key_once_per_plan"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="activity_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionlines:plan", args=[self.plan_id]) + f"#activity-{self.pk}"


class Pledge(models.Model):
    """What one partner plans to contribute to an activity: in-kind hours and value, and money."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="pledges")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("partner")
    )
    hours = _hours_field(_("in-kind hours"))
    in_kind_value = _money_field(_("in-kind value (€)"))
    money = _money_field(_("money (€)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.UniqueConstraint(fields=["activity", "partner"], name="pledge_once_per_partner"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(in_kind_value__gte=0) & Q(money__gte=0), name="pledge_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.activity}"

    @property
    def total_value(self) -> Decimal:
        return self.in_kind_value + self.money


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DONE = "done", _("Done")
    LATE = "late", _("Late")


class MilestoneQuerySet(models.QuerySet):
    def open(self) -> "MilestoneQuerySet":
        return self.exclude(status=MilestoneStatus.DONE)

    def overdue(self, on: date) -> "MilestoneQuerySet":
        """Not done and past the due date (whatever status was last entered)."""
        return self.open().filter(due_on__lt=on)


class Milestone(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="milestones")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["activity", "key"], name="milestone_key_once_per_activity"),
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | (~Q(status="done") & Q(done_on__isnull=True)),
                name="milestone_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["due_on", "status"], name="milestone_due")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: date | None = None) -> bool:
        return self.status != MilestoneStatus.DONE and self.due_on < (on or timezone.localdate())

    def shown_status(self, on: date | None = None) -> str:
        """The status to show: a milestone past its date and not done is late, whatever was entered."""
        return MilestoneStatus.LATE if self.is_overdue(on) else self.status


class Indicator(models.Model):
    """A measurable indicator of an action line in one annual plan, with an actual per reporting period."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="indicators")
    action_line = models.ForeignKey(
        ActionLine, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("action line")
    )
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("e.g. students, companies, events"))
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action_line__ordering", "name", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="indicator_key_once_per_plan")]

    def __str__(self) -> str:
        return self.name


class IndicatorActual(models.Model):
    """The value an indicator reached in one reporting period (realisation, not plan)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    period = models.ForeignKey(
        "contributions.ReportingPeriod",
        on_delete=models.PROTECT,
        related_name="indicator_actuals",
        verbose_name=_("reporting period"),
    )
    value = models.DecimalField(_("actual value"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period__starts_on"]
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="indicator_actual_once_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period})"


class IndicatorTarget(models.Model):
    """The value an indicator should have reached by the end of one reporting period (a quarterly target), next
    to the yearly `Indicator.target`. Plan, not realisation: set while the plan is a draft."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(
        "contributions.ReportingPeriod",
        on_delete=models.PROTECT,
        related_name="indicator_targets",
        verbose_name=_("reporting period"),
    )
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period__starts_on"]
        verbose_name = _("indicator target per period")
        verbose_name_plural = _("indicator targets per period")
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="indicator_target_once_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period})"


class PlanComment(models.Model):
    """A steering group member's comment on an activity while the plan is in review."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("how it was resolved"), blank=True, max_length=4000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")

    def __str__(self) -> str:
        return f"{self.author} – {self.activity}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


# --- The plan as a PDF ----------------------------------------------------------------------------------


class PlanPDFStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    GENERATING = "generating", _("Generating PDF")
    READY = "ready", _("PDF ready")
    FAILED = "failed", _("Generating failed")


PENDING_PDF_STATUSES = (PlanPDFStatus.QUEUED, PlanPDFStatus.GENERATING)


def plan_pdf_path(instance: "PlanPDF", filename: str) -> str:
    return f"plans/{instance.plan.year}/{filename}"


class PlanPDF(models.Model):
    """One request for an annual plan as a PDF, made by a Celery task while the plan page shows its progress.

    `source_sha256` is the SHA-256 of the HTML the PDF was made from: the same plan shown the same way (its
    contents, its progress, the print date) gives the same HTML, so the ready PDF is handed out again instead
    of being made anew. An adopted plan is frozen, so its PDF is reused until its progress or the day changes.
    """

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="pdfs")
    status = models.CharField(_("status"), max_length=20, choices=PlanPDFStatus.choices, default=PlanPDFStatus.QUEUED)
    stage = models.CharField(_("progress"), max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    source_sha256 = models.CharField(max_length=64, editable=False)
    file = models.FileField(_("PDF"), upload_to=plan_pdf_path, max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("annual plan PDF")
        verbose_name_plural = _("annual plan PDFs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PlanPDFStatus]), name="plan_pdf_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(file="") & Q(sha256__regex=r"^[0-9a-f]{64}$")),
                name="plan_pdf_ready_has_file_and_checksum",
            ),
            # At most one render per plan waits or runs at a time: asking again joins it.
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status__in=["queued", "generating"]), name="plan_pdf_one_pending_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · PDF {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_PDF_STATUSES and not self.is_stale

    @property
    def is_stale(self) -> bool:
        """Waiting or running for longer than a render may (lifeport.lib.renders): its task is gone."""
        return self.status in PENDING_PDF_STATUSES and render_is_stale(self.requested_at)

    def filename(self) -> str:
        return f"jaarplan-{self.plan.year}-v{self.plan.version}.pdf"
