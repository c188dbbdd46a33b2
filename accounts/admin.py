from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from audit.models import Action
from audit.services import audit_record

User = get_user_model()
FLAGS = ("is_active", "is_staff", "is_superuser")


def _rights(user) -> tuple[dict, set[str], set[str]]:
    if user.pk is None:
        return {}, set(), set()
    flags = User.objects.filter(pk=user.pk).values(*FLAGS).first() or {}
    groups = set(user.groups.values_list("name", flat=True))
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in user.user_permissions.select_related("content_type")}
    return flags, groups, perms


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin; every change of roles (groups), permissions and the staff flags is audited."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            before = _rights(self.get_object(request, object_id) or User())
        else:
            before = ({}, set(), set())
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and object_id and response.status_code == 302:
            self._record(request, self.get_object(request, object_id), before)
        return response

    def _record(self, request, user, before) -> None:
        flags, groups, perms = _rights(user)
        for name in sorted(groups - before[1]):
            audit_record(
                actor=request.user, action=Action.ROLE_GRANTED, target=user, request=request, details={"role": name}
            )
        for name in sorted(before[1] - groups):
            audit_record(
                actor=request.user, action=Action.ROLE_REVOKED, target=user, request=request, details={"role": name}
            )
        for name in sorted(perms - before[2]):
            audit_record(
                actor=request.user,
                action=Action.PERMISSION_GRANTED,
                target=user,
                request=request,
                details={"permission": name},
            )
        for name in sorted(before[2] - perms):
            audit_record(
                actor=request.user,
                action=Action.PERMISSION_REVOKED,
                target=user,
                request=request,
                details={"permission": name},
            )
        changed = {flag: flags[flag] for flag in FLAGS if flags.get(flag) != before[0].get(flag)}
        if changed:
            audit_record(
                actor=request.user, action=Action.ACCOUNT_CHANGED, target=user, request=request, details=changed
            )
