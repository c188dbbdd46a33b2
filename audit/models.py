from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What can be recorded. Other apps pass one of these to `audit.services.audit_record`."""

    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
    SIGN_OUT = "sign_out", _("Signed out")
    SECOND_FACTOR = "second_factor", _("Second factor verified")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Second factor refused")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in set up")
    RECOVERY_CODES = "recovery_codes", _("Recovery codes renewed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_CHANGE_FAILED = "password_change_failed", _("Password change refused (wrong current password)")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    PERMISSION_GRANTED = "permission_granted", _("Permission granted")
    PERMISSION_REVOKED = "permission_revoked", _("Permission revoked")
    ACCOUNT_CHANGED = "account_changed", _("Account rights changed")
    USER_DELETED = "user_deleted", _("Account deleted")
    TWO_FACTOR_REMOVED = "two_factor_removed", _("Two-factor device removed")
    LOCK_OUT_RESET = "lock_out_reset", _("Sign-in lock-out lifted")
    APPROVED = "approved", _("Contribution approved")
    RETURNED = "returned", _("Contribution returned")
    REOPENED = "reopened", _("Contribution reopened")
    PLAN_ADOPTED = "plan_adopted", _("Annual plan adopted")
    REPORT_ISSUED = "report_issued", _("Report issued")
    EXPORTED = "exported", _("Data exported")
    DOWNLOADED = "downloaded", _("File downloaded")
    EVIDENCE_ADDED = "evidence_added", _("Evidence uploaded")
    EVIDENCE_DELETED = "evidence_deleted", _("Evidence deleted")
    PERIOD_CLOSED = "period_closed", _("Reporting period closed")
    STATEMENT_CONFIRMED = "statement_confirmed", _("Year statement confirmed")
    PLAN_SENT_FOR_REVIEW = "plan_sent_for_review", _("Annual plan sent for review")
    PLAN_BACK_TO_DRAFT = "plan_back_to_draft", _("Annual plan returned to draft")
    LEAD_TIMES_CHANGED = "lead_times_changed", _("Reminder lead times changed")
    CALENDAR_TOKEN_RENEWED = "calendar_token_renewed", _("Calendar address renewed")
    IMPORTED = "imported", _("Data imported")
    API_TOKEN_ISSUED = "api_token_issued", _("API token issued")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    API_WRITE = "api_write", _("Changed through the API")
    MEETING_CHANGED = "meeting_changed", _("Steering group meeting recorded or changed")
    MINUTES_CONFIRMED = "minutes_confirmed", _("Minutes confirmed")
    DECISION_RECORDED = "decision_recorded", _("Decision recorded")
    RISK_CHANGED = "risk_changed", _("Risk recorded or changed")
    BUDGET_CHANGED = "budget_changed", _("Programme budget or spending changed")


class AuditEvent(models.Model):
    """One security-relevant event: who did what to which object, when and from which address.

    Append-only: nothing in the app changes or deletes a row (the admin is read-only); rows are
    removed only by the retention rule in docs/data-retention.md.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text too, so the trail still names the person after their account is removed.
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=40, choices=Action.choices, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["actor", "-id"], name="audit_actor_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.get_action_display()}"
