from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404

from audit.models import Action, AuditEvent
from audit.services import audit_record
from partners.permissions import permissions_on


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the app and never edited by hand."""

    list_display = ["at", "actor_name", "action", "target_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_repr", "ip_address"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedObjectPermissionsMixin:
    """For guardian's GuardedModelAdmin: record every object permission granted or revoked on its pages."""

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        user = get_object_or_404(get_user_model(), pk=user_id)
        return self._audited(
            request, object_pk, user, user.get_username(), "user", super().obj_perms_manage_user_view, user_id
        )

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        group = get_object_or_404(Group, pk=group_id)
        return self._audited(
            request, object_pk, group, group.name, "group", super().obj_perms_manage_group_view, group_id
        )

    def _audited(self, request, object_pk, holder, holder_name: str, kind: str, view, holder_id):
        if request.method != "POST":
            return view(request, object_pk, holder_id)
        obj = get_object_or_404(self.get_queryset(request), pk=object_pk)
        before = permissions_on(holder, obj)
        response = view(request, object_pk, holder_id)
        after = permissions_on(holder, obj)
        for codename, action in [
            *((c, Action.PERMISSION_GRANTED) for c in sorted(after - before)),
            *((c, Action.PERMISSION_REVOKED) for c in sorted(before - after)),
        ]:
            audit_record(
                actor=request.user,
                action=action,
                target=obj,
                request=request,
                details={kind: holder_name, "permission": codename},
            )
        return response
