"""Events recorded from signals: sign-ins (Django's and django-axes' login views offer no other hook), and
every change of rights, passwords, accounts, second factors and lock-outs, whatever path made it."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from audit.middleware import current_request
from audit.models import Action
from audit.services import audit_record, current_actor
from lifeport.lib.files import file_downloaded


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


# --- rights, passwords, accounts, second factors and lock-outs: from any path ------------------------------
# The admin, a service, a shell or a command: each change lands here once, named after `current_actor()`.

User = get_user_model()
ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")
_BEFORE = "_lifeport_audit_before"


def _permission_name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _m2m_pks(sender, instance, reverse: bool, source: str, target: str) -> set[int]:
    # Who is linked before a clear(): the through table, read from the side the signal came from.
    column, wanted = (target, source) if reverse else (source, target)
    return set(sender.objects.filter(**{column: instance.pk}).values_list(f"{wanted}_id", flat=True))


def _m2m_change(sender, instance, action: str, reverse: bool, pk_set, source: str, target: str) -> tuple | None:
    """(granted?, holders, granted things) for a post_add / post_remove / post_clear, else None."""
    if action == "pre_clear":
        setattr(instance, _BEFORE + source + target, _m2m_pks(sender, instance, reverse, source, target))
        return None
    if action not in ("post_add", "post_remove", "post_clear"):
        return None
    if action == "post_clear":
        pk_set = instance.__dict__.pop(_BEFORE + source + target, set())
    return action == "post_add", set(pk_set or ())


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
def _user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    change = _m2m_change(sender, instance, action, reverse, pk_set, "user", "group")
    if change is None or not change[1]:
        return
    granted, pks = change
    pairs = (
        [(user, instance) for user in User.objects.filter(pk__in=pks)]
        if reverse
        else [(instance, group) for group in Group.objects.filter(pk__in=pks)]
    )
    for user, group in pairs:
        action_ = Action.ROLE_GRANTED if granted else Action.ROLE_REVOKED
        audit_record(actor=current_actor(), action=action_, target=user, details={"role": group.name})


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_permissions")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit_group_permissions")
def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    holder = "group" if sender is Group.permissions.through else "user"
    change = _m2m_change(sender, instance, action, reverse, pk_set, holder, "permission")
    if change is None or not change[1]:
        return
    granted, pks = change
    holder_model = Group if holder == "group" else User
    if reverse:
        pairs = [(h, instance) for h in holder_model.objects.filter(pk__in=pks)]
    else:
        pairs = [(instance, p) for p in Permission.objects.filter(pk__in=pks).select_related("content_type")]
    for target, permission in pairs:
        action_ = Action.PERMISSION_GRANTED if granted else Action.PERMISSION_REVOKED
        details = {"permission": _permission_name(permission)}
        audit_record(actor=current_actor(), action=action_, target=target, details=details)


def _object_permission_changed(sender, instance, signal, created: bool = False, **kwargs) -> None:
    if signal is post_save and not created:
        return
    action = Action.PERMISSION_GRANTED if signal is post_save else Action.PERMISSION_REVOKED
    holder = (
        {"user": instance.user.get_username()}
        if isinstance(instance, UserObjectPermissionBase)
        else {"group": instance.group.name}
    )
    details = {**holder, "permission": _permission_name(instance.permission)}
    audit_record(actor=current_actor(), action=action, target=instance.content_object, details=details)


def connect_object_permission_receivers() -> None:
    """django-guardian's object permissions, generic and direct (partners, action lines): every model of them."""
    for model in apps.get_models():
        if issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase):
            uid = f"audit_object_permission_{model._meta.label_lower}"
            post_save.connect(_object_permission_changed, sender=model, dispatch_uid=f"{uid}_added")
            post_delete.connect(_object_permission_changed, sender=model, dispatch_uid=f"{uid}_removed")


@receiver(pre_save, sender=User, dispatch_uid="audit_user_before_save")
def _user_before_save(sender, instance, update_fields=None, raw: bool = False, **kwargs) -> None:
    watched = {"password", *ACCOUNT_FLAGS}
    if raw or instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        return
    setattr(instance, _BEFORE, User.objects.filter(pk=instance.pk).values("password", *ACCOUNT_FLAGS).first())


@receiver(post_save, sender=User, dispatch_uid="audit_user_saved")
def _user_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or created or before is None:
        return
    # Django re-hashes a password on sign-in when its hasher changed (update_fields=["password"], no new
    # raw password): the same password, not a change.
    rehash = instance._password is None and set(kwargs.get("update_fields") or ()) == {"password"}
    if before["password"] != instance.password and not rehash:
        actor = current_actor()
        # Nobody signed in but a request: the account holder through the e-mailed reset link.
        by = "reset" if actor is None and current_request.get() is not None else ("system" if actor is None else "")
        audit_record(
            actor=actor or (instance if by == "reset" else None),
            action=Action.PASSWORD_CHANGED,
            target=instance,
            details={"by": by} if by else {},
        )
    changed = {flag: getattr(instance, flag) for flag in ACCOUNT_FLAGS if before[flag] != getattr(instance, flag)}
    if changed:
        audit_record(actor=current_actor(), action=Action.ACCOUNT_CHANGED, target=instance, details=changed)


@receiver(post_delete, sender=User, dispatch_uid="audit_user_deleted")
def _user_deleted(sender, instance, **kwargs) -> None:
    details = {"username": instance.get_username()}
    audit_record(actor=current_actor(), action=Action.USER_DELETED, target=instance, details=details)


@receiver(pre_save, sender=TOTPDevice, dispatch_uid="audit_totp_before_save")
def _totp_before_save(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw and instance.pk is not None:
        confirmed = TOTPDevice.objects.filter(pk=instance.pk).values_list("confirmed", flat=True).first()
        setattr(instance, _BEFORE, bool(confirmed))


@receiver(post_save, sender=TOTPDevice, dispatch_uid="audit_totp_saved")
def _totp_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    was_confirmed = instance.__dict__.pop(_BEFORE, False)
    if raw or not instance.confirmed or was_confirmed:
        return
    # Confirmed now, and not before: set up in the app, added in the admin, or given to a demo user.
    actor = current_actor() or (instance.user if current_request.get() is not None else None)
    audit_record(actor=actor, action=Action.TWO_FACTOR_ENABLED, target=instance.user)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="audit_totp_deleted")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="audit_recovery_codes_deleted")
def _second_factor_deleted(sender, instance, **kwargs) -> None:
    if sender is TOTPDevice and not instance.confirmed:
        return  # an abandoned set-up: it never let anyone in
    details = {"device": "totp" if sender is TOTPDevice else "recovery_codes", "name": instance.name}
    user = User.objects.filter(pk=instance.user_id).first()
    target = user if user is not None else None
    if user is None:
        details["user_id"] = instance.user_id
    audit_record(actor=current_actor(), action=Action.TWO_FACTOR_REMOVED, target=target, details=details)


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="audit_lock_out_lifted")
def _lock_out_lifted(sender, instance, **kwargs) -> None:
    # django-axes deletes attempts all the time (expired ones, a successful sign-in's): only lifting a lock
    # that was in force is an event.
    in_force = instance.attempt_time >= timezone.now() - settings.AXES_COOLOFF_TIME
    if not in_force or instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return
    details = {"username": str(instance.username or "")[:150], "address": instance.ip_address}
    audit_record(actor=current_actor(), action=Action.LOCK_OUT_RESET, details=details)


@receiver(file_downloaded, dispatch_uid="audit_file_downloaded")
def _file_downloaded(sender, instance, filename: str, **kwargs) -> None:
    audit_record(actor=current_actor(), action=Action.DOWNLOADED, target=instance, details={"file": filename})
