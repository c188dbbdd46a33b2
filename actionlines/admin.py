from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from actionlines.models import ActionLine
from audit.admin import AuditedObjectPermissionsMixin


@admin.register(ActionLine)
class ActionLineAdmin(AuditedObjectPermissionsMixin, GuardedModelAdmin):
    list_display = ["name_nl", "name_en", "code", "ordering"]
    ordering = ["ordering"]
