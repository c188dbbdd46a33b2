from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Django's own sign-in signals are the only hook into its login views.
        from audit import receivers  # noqa: F401
