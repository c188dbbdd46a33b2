from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Role(models.TextChoices):
    """The roles of DESIGN.md; each is a Django group of the same name."""

    DIRECTOR = "director", _("Programme director")
    OFFICE = "office", _("Programme office")
    STEERING = "steering", _("Steering group member")
    REPRESENTATIVE = "representative", _("Partner representative")
    LEAD = "lead", _("Action line lead")
    OBSERVER = "observer", _("Observer")


class Helix(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    KNOWLEDGE = "knowledge", _("Knowledge institution")
    EDUCATION = "education", _("Education")
    BUSINESS = "business", _("Business")
    INTERMEDIARY = "intermediary", _("Intermediary")


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    helix = models.CharField(_("helix"), max_length=20, choices=Helix.choices)
    represented_by = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="represents",
        verbose_name=_("represented by"),
        help_text=_("Partners that speak for this one while it is being formed (LSI by NXP and ASMPT)."),
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("act_for_partner", _("Acts for this partner"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__isnull=True) | Q(active_to__gte=F("active_from")),
                name="partner_active_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.slug])


class PartnerUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key for django-guardian: fast joins from a partner to its representatives."""

    content_object = models.ForeignKey(Partner, on_delete=models.CASCADE)


class PartnerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partner, on_delete=models.CASCADE)


class AgreementQuerySet(models.QuerySet):
    def holding(self, day: date) -> "AgreementQuerySet":
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Agreement(models.Model):
    title = models.CharField(_("title"), max_length=250)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    document = models.FileField(_("document"), upload_to="agreements/", blank=True)
    parties = models.ManyToManyField(
        Partner, through="AgreementParty", related_name="agreements", verbose_name=_("parties")
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partners:agreement", args=[self.pk])

    @classmethod
    def current(cls, on: date | None = None) -> "Agreement | None":
        """The agreement whose period holds `on` (today in Europe/Amsterdam by default)."""
        day = on or timezone.localdate()
        return cls.objects.holding(day).order_by("-starts_on").first()

    def successor(self) -> "Agreement | None":
        return Agreement.objects.filter(starts_on__gt=self.starts_on).order_by("starts_on").first()

    def days_left(self, on: date | None = None) -> int:
        """Whole days from `on` to the end date; 0 on the last day, negative once ended."""
        return (self.ends_on - (on or timezone.localdate())).days

    def has_ended(self, on: date | None = None) -> bool:
        return self.days_left(on) < 0


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="party_links")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to an agreement")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "partner"], name="agreement_party_once"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="agreement_party_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.agreement}"


class Profile(models.Model):
    """A user's preferred language and display details beyond Django's user (one row per user)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return str(self.user)
