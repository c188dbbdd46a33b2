"""The admin's second-factor pages without their secrets: no TOTP key, no QR code, no recovery code is shown.

Rights, passwords, accounts and devices changed here are recorded by audit.receivers, as from anywhere.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class SecretFreeTOTPDeviceAdmin(TOTPDeviceAdmin):
    """List, rename or delete authenticator devices; a new one is made by its owner's set-up, never here.

    With OTP_ADMIN_HIDE_SENSITIVE_DATA django-otp leaves out the key and the QR code of an existing device;
    its add page would still show a new key, so adding is refused.
    """

    def has_add_permission(self, request) -> bool:
        return False


class SecretFreeStaticDeviceAdmin(StaticDeviceAdmin):
    """Recovery-code devices: the codes themselves are never listed (the inline is left out); delete to revoke."""

    inlines = []

    def has_add_permission(self, request) -> bool:
        return False


for model, model_admin in [(TOTPDevice, SecretFreeTOTPDeviceAdmin), (StaticDevice, SecretFreeStaticDeviceAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
