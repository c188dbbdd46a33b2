from django.contrib import admin

from reminders.models import LeadTimes, Preference, Reminder


@admin.register(LeadTimes)
class LeadTimesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "period_due_days", "returned_days", "milestone_due_days", "agreement_end_days"]

    def has_add_permission(self, request) -> bool:
        # One row only, and only for someone with the add permission (not every staff account).
        return super().has_add_permission(request) and not LeadTimes.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The log of what was sent to whom; read-only (rows are written by the daily job only)."""

    list_display = ["created_at", "rule", "recipient", "deadline", "lead_days", "status", "attempts", "read_at"]
    list_filter = ["rule", "status", "essential"]
    search_fields = ["recipient__username", "recipient__email", "subject", "title"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "non_essential"]
    exclude = ["calendar_token"]
    list_select_related = ["user"]
