"""Sign-in events come from Django's and django-axes' signals: their login views offer no other hook."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Action
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action=Action.SIGN_IN, request=request)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action=Action.SIGN_OUT, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action=Action.SIGN_IN_FAILED, request=request, details={"username": username})


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username: str, ip_address: str, **kwargs) -> None:
    audit_record(actor=None, action=Action.LOCKED_OUT, request=request, details={"username": str(username)[:150]})
