from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from actionlines.models import ActionLine


@admin.register(ActionLine)
class ActionLineAdmin(GuardedModelAdmin):
    list_display = ["name_nl", "name_en", "code", "ordering"]
    ordering = ["ordering"]
