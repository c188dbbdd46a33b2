"""The regiegroep's governance: its meetings (agenda, documents, comments, minutes) and numbered decisions.

A decision says what it applies to by a kind and one typed foreign key (the plan version, the report, the
agreement or the partner whose stage changes); a "budget change" or "other" decision carries only its text.
Adopting a plan and issuing a report cite the decision they rest on (actionlines and reports services check
`Decision.applies_to`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held, minutes in draft")
    CONFIRMED = "confirmed", _("Minutes confirmed")


class MeetingStateError(Exception):
    """A change the meeting's state does not allow (changing confirmed minutes, commenting after the meeting)."""


class Meeting(models.Model):
    """A meeting of the regiegroep. Confirmed minutes freeze the meeting: agenda, documents, decisions, minutes."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="meetings", verbose_name=_("attending partners")
    )
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True, max_length=20000)
    confirmed_at = models.DateTimeField(_("minutes confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("steering group meeting")
        verbose_name_plural = _("steering group meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in MeetingStatus]), name="meeting_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | (Q(confirmed_at__isnull=False) & Q(confirmed_by__isnull=False)),
                name="meeting_confirmed_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == MeetingStatus.CONFIRMED

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_number_once")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


def meeting_document_path(instance: "MeetingDocument", filename: str) -> str:
    return f"governance/{instance.meeting.held_on:%Y}/{filename}"


class MeetingDocument(models.Model):
    """A document for the meeting (a proposal, a memo): stored under a generated name, the user's as a label."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=meeting_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.original_name


class MeetingComment(models.Model):
    """A steering group member's comment on the meeting's agenda and documents, before the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("meeting comment")
        verbose_name_plural = _("meeting comments")

    def __str__(self) -> str:
        return f"{self.author} – {self.meeting}"


class DecisionKind(models.TextChoices):
    PLAN = "plan", _("Adopting an annual plan version")
    REPORT = "report", _("Issuing a report")
    AGREEMENT = "agreement", _("An agreement")
    PARTNER_STAGE = "partner_stage", _("A partner's stage")
    BUDGET = "budget", _("A budget change")
    OTHER = "other", _("Other")


# Which foreign key each kind carries (and no other); kinds without one carry none.
SUBJECT_FIELDS = {
    DecisionKind.PLAN: "plan",
    DecisionKind.REPORT: "report",
    DecisionKind.AGREEMENT: "agreement",
    DecisionKind.PARTNER_STAGE: "partner",
}


def _subject_rule() -> Q:
    rule = Q()
    every = set(SUBJECT_FIELDS.values())
    for kind in DecisionKind:
        own = SUBJECT_FIELDS.get(kind)
        fields = {f"{name}__isnull": name != own for name in every}
        rule |= Q(kind=kind.value, **fields)
    return rule


class DecisionQuerySet(models.QuerySet):
    def for_subject(self, obj) -> "DecisionQuerySet":
        """The decisions about `obj` (an annual plan version, a report, an agreement or a partner)."""
        names = {field: kind for kind, field in SUBJECT_FIELDS.items()}
        name = next(n for n in names if self.model._meta.get_field(n).related_model is type(obj))
        return self.filter(kind=names[name], **{name: obj})


class Decision(models.Model):
    """A numbered decision of the regiegroep ("2026-03"), taken in a meeting, about one subject."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting"))
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    decided_on = models.DateField(_("date"))
    text = models.TextField(_("decision"), max_length=4000)
    kind = models.CharField(_("applies to"), max_length=20, choices=DecisionKind.choices)
    plan = models.ForeignKey(
        "actionlines.AnnualPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("annual plan version"),
    )
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    agreement = models.ForeignKey(
        "partners.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="decision_number_once"),
            models.UniqueConstraint(fields=["plan"], condition=Q(plan__isnull=False), name="decision_once_per_plan"),
            models.UniqueConstraint(
                fields=["report"], condition=Q(report__isnull=False), name="decision_once_per_report"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="decision_sequence_from_1"),
            models.CheckConstraint(condition=_subject_rule(), name="decision_subject_matches_kind"),
        ]

    def __str__(self) -> str:
        return _("Decision %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @property
    def number(self) -> str:
        return f"{self.year}-{self.sequence:02d}"

    @property
    def subject(self):
        name = SUBJECT_FIELDS.get(self.kind)
        return getattr(self, name) if name else None

    def applies_to(self, obj) -> bool:
        """Whether this decision is the one `obj` (a plan version or a report) rests on."""
        name = SUBJECT_FIELDS.get(self.kind)
        if not name or self._meta.get_field(name).related_model is not type(obj):
            return False
        return getattr(self, f"{name}_id") == obj.pk


# --- The risk register ----------------------------------------------------------------------------------

SCALE = range(1, 6)


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATING = "mitigating", _("Measures under way")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


ACTIVE_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED)


class RiskLevel(models.TextChoices):
    """A score (likelihood × impact, 1–25) in four bands: the heat map's words, so colour is never the only cue."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


def risk_level(score: int) -> RiskLevel:
    if score >= 15:
        return RiskLevel.VERY_HIGH
    if score >= 10:
        return RiskLevel.HIGH
    if score >= 5:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


class RiskQuerySet(models.QuerySet):
    def active(self) -> "RiskQuerySet":
        return self.filter(status__in=ACTIVE_RISK_STATUSES)


class Risk(models.Model):
    """A risk to the programme (no action line) or to one action line, scored on a 5 × 5 matrix."""

    action_line = models.ForeignKey(
        "actionlines.ActionLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
        verbose_name=_("action line"),
        help_text=_("Empty: a risk to the programme as a whole."),
    )
    title = models.CharField(_("title"), max_length=200)
    cause = models.TextField(_("cause"), max_length=4000)
    effect = models.TextField(_("effect"), max_length=4000)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risks", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    reviewed_on = models.DateField(_("last reviewed on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scored_on_five_by_five",
            ),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in RiskStatus]), name="risk_status_known"),
        ]
        indexes = [models.Index(fields=["status", "likelihood", "impact"], name="risk_matrix")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:risk", args=[self.pk])

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.score)


class RiskReview(models.Model):
    """The risk as it stood after a review: the status over time (and how the heat map moved)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk review")
        verbose_name_plural = _("risk reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_review_scored_on_five_by_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk} {self.reviewed_on}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class RiskMeasure(models.Model):
    """What is done about a risk, by when; done when it has a date."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="measures")
    description = models.CharField(_("measure"), max_length=500)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("risk measure")
        verbose_name_plural = _("risk measures")

    def __str__(self) -> str:
        return self.description


# --- The programme budget against spending -----------------------------------------------------------------


class CostCategory(models.TextChoices):
    """The programme organisation's cost categories; the annual plan's activity budgets count under activities."""

    DIRECTOR = "director", _("Programme director")
    TALENT_CAPACITY = "talent_capacity", _("Talent capacity")
    LSI_NETWORK = "lsi_network", _("LSI network")
    QUARTERMASTER = "quartermaster", _("Quartermaster")
    ACTIVITIES = "activities", _("Activities")


def _amount_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2)


class BudgetLine(models.Model):
    """What one funder budgets for one cost category in one year, under its budget code (e.g. E600014-001)."""

    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("cost category"), max_length=20, choices=CostCategory.choices)
    funder = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("funder")
    )
    budget_code = models.CharField(_("budget code"), max_length=40, help_text=_("e.g. E600014-001"))
    amount = _amount_field(_("budget (€)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["year", "category", "funder__name"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["year", "category", "funder"], name="budget_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=2026, year__lte=2100), name="budget_line_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()} – {self.funder} ({self.budget_code})"


class SpendingKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    ACTUAL = "actual", _("Actual spending")


class Spending(models.Model):
    """A commitment (a contract, an order) or actual spending (an invoice, or a period's total), entered by the
    programme office against a cost category."""

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    on_date = models.DateField(_("date"))
    category = models.CharField(_("cost category"), max_length=20, choices=CostCategory.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=SpendingKind.choices)
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(
        _("invoice or period"),
        max_length=100,
        blank=True,
        help_text=_("An invoice number, or a period such as 2026-K1."),
    )
    amount = _amount_field(_("amount (€)"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-on_date", "-id"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive"),
            models.CheckConstraint(condition=Q(year__gte=2026, year__lte=2100), name="spending_year_range"),
        ]
        indexes = [models.Index(fields=["year", "category", "kind"], name="spending_by_year")]

    def __str__(self) -> str:
        return f"{self.on_date} {self.description}"
