from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import start_session_clock

        # The idle and absolute time-outs count from the sign-in (accounts.middleware).
        user_logged_in.connect(start_session_clock, dispatch_uid="accounts_session_clock")
