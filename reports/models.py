"""Progress reports for the college, their XLSX exports, and the partners' year statements.

A report goes draft → generating → ready (or failed) → issued. An issued report is frozen: the data its
PDF was built from, the PDF and its SHA-256 never change again (the model refuses, and on PostgreSQL and
SQLite a trigger refuses too). A new report for the same period is a new version.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifeport.lib.renders import render_is_stale
from partners.models import Agreement, Partner


class ReportStateError(Exception):
    """A step the report's state does not allow (editing an issued report, issuing a draft)."""


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    GENERATING = "generating", _("Generating PDF")
    READY = "ready", _("PDF ready")
    FAILED = "failed", _("Generating failed")
    ISSUED = "issued", _("Issued")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.READY, ReportStatus.FAILED)


class ReportQuerySet(models.QuerySet):
    def issued(self) -> "ReportQuerySet":
        return self.filter(status=ReportStatus.ISSUED)


def report_pdf_path(instance: "Report", filename: str) -> str:
    return f"reports/{instance.period_key}/{filename}"


class Report(models.Model):
    """A progress report over a period (quarter, year, or an agreement's whole term)."""

    period_key = models.CharField(_("period"), max_length=40, help_text=_("2026, 2026-K3 or agreement-<id>"))
    period_label = models.CharField(_("period"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)

    summary = models.TextField(_("executive summary"), blank=True, max_length=10000)
    # {action line code: remark}: the director's words per line.
    line_remarks = models.JSONField(_("remarks per action line"), default=dict, blank=True)

    # The figures the current PDF was built from; frozen with it when the report is issued.
    data = models.JSONField(_("report data"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=report_pdf_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("PDF made at"), null=True, blank=True)

    # Rendering: each "generate" gets a new token; a task whose token is no longer current does nothing.
    render_token = models.UUIDField(null=True, blank=True, editable=False)
    render_stage = models.CharField(max_length=20, blank=True, editable=False)
    render_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    render_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "period_key", "-version"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["period_key", "version"], name="report_version_once_per_period"),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="report_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ReportStatus]), name="report_status_known"),
            # A downloadable report always has its file, checksum and the data it was built from.
            models.CheckConstraint(
                condition=~Q(status__in=["ready", "issued"])
                | (~Q(pdf="") & Q(pdf_sha256__regex=r"^[0-9a-f]{64}$") & Q(data__isnull=False)),
                name="report_ready_has_pdf_checksum_data",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | (Q(issued_at__isnull=False) & Q(issued_by__isnull=False)),
                name="report_issued_has_issuer",
            ),
            models.CheckConstraint(
                condition=Q(status="issued") | (Q(issued_at__isnull=True) & Q(issued_by__isnull=True)),
                name="report_only_issued_has_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({_('version')} {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return f"{_('Progress report')} {self.period_label}"

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_downloadable(self) -> bool:
        return self.status in (ReportStatus.READY, ReportStatus.ISSUED) and bool(self.pdf)

    @property
    def render_is_stale(self) -> bool:
        """Generating for longer than a render may run: its task is gone (lifeport.lib.renders)."""
        return self.status == ReportStatus.GENERATING and render_is_stale(self.render_requested_at or self.updated_at)

    @property
    def can_request_render(self) -> bool:
        return self.is_editable or self.render_is_stale

    def pdf_filename(self) -> str:
        language = "" if self.language == "nl" else f"-{self.language}"
        return f"lifeport-voortgangsrapportage-{self.period_key}-v{self.version}{language}.pdf"

    def check_editable(self) -> None:
        if not self.is_editable:
            raise ReportStateError(_("An issued report cannot be changed; start a new version instead."))

    def new_render_token(self) -> uuid.UUID:
        if not self.render_is_stale:
            self.check_editable()
        self.status = ReportStatus.GENERATING
        self.render_token = uuid.uuid4()
        self.render_stage = "queued"
        self.render_attempts = 0
        self.render_requested_at = timezone.now()
        self.error = ""
        return self.render_token


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded")


# The exports that hold an audience's place: at most one per report and audience (a constraint).
CURRENT_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.DONE)
# Audiences (see reports.permissions.export_audience): the report's tables only, or with every
# partner's contribution lines; a representative's is "partners-<id>[-<id>…]".
AUDIENCE_FIGURES = "figures"
AUDIENCE_ALL = "all"


def export_path(instance: "ReportExport", filename: str) -> str:
    return f"exports/{instance.report_id}/{filename}"


class ReportExport(models.Model):
    """The report's tables, and the contributions it counted that its audience may read, as one XLSX made by a
    Celery task. One current export per report and audience: made once and reused (an issued report never
    changes), replaced when a draft is exported again; the replaced and failed ones are removed after a day."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="exports")
    audience = models.CharField(_("audience"), max_length=200, default=AUDIENCE_ALL)
    status = models.CharField(_("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("contributions"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_at_most_100"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="export_done_has_file"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ExportStatus]), name="export_status_known"),
            models.UniqueConstraint(
                fields=["report", "audience"],
                condition=Q(status__in=[s.value for s in CURRENT_EXPORT_STATUSES]),
                name="export_once_per_report_and_audience",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · XLSX {self.audience} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def with_lines(self) -> bool:
        """Whether the workbook lists contributions (every audience but the figures-only one)."""
        return self.audience != AUDIENCE_FIGURES

    def filename(self) -> str:
        return f"lifeport-voortgangsrapportage-{self.report.period_key}-v{self.report.version}.xlsx"


def statement_path(instance: "PartnerStatement", filename: str) -> str:
    return f"statements/{instance.year}/{filename}"


class PartnerStatement(models.Model):
    """One partner's approved contributions in a year per action line, confirmed by its representative."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="statements")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    data = models.JSONField(_("figures"), editable=False)
    pdf = models.FileField(_("PDF"), upload_to=statement_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Renders started for the PDF now asked for (lifeport.lib.renders: a worker that dies is not retried forever).
    render_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "partner__name", "-version"]
        verbose_name = _("partner year statement")
        verbose_name_plural = _("partner year statements")
        constraints = [
            models.UniqueConstraint(fields=["partner", "year", "version"], name="statement_version_once"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="statement_confirmed_by_and_at",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(pdf=""), name="statement_confirmed_has_pdf"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.short_name} {self.year} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reports:statement", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def pdf_filename(self) -> str:
        return f"jaaropgave-{self.partner.slug}-{self.year}-v{self.version}.pdf"
