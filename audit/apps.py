from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Sign-ins, and changes of rights, passwords, accounts, devices and lock-outs from any path.
        from audit import receivers

        receivers.connect_object_permission_receivers()
