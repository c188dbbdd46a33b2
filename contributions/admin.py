from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contributions.models import Contribution, ContributionPolicy, Evidence, HourlyRate, ReportingPeriod


@admin.register(HourlyRate)
class HourlyRateAdmin(admin.ModelAdmin):
    list_display = ["partner", "rate", "valid_from", "note"]
    list_filter = ["partner"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement", "starts_on", "ends_on", "deadline", "closed_at"]
    list_filter = ["agreement"]
    readonly_fields = ["closed_at", "closed_by"]


@admin.register(ContributionPolicy)
class ContributionPolicyAdmin(admin.ModelAdmin):
    list_display = ["evidence_threshold"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    """Read-only: every change goes through the review pages (and so through contributions.services)."""

    list_display = ["partner", "action_line", "kind", "date", "value", "status"]
    list_filter = ["status", "kind", "partner", "action_line", "period"]
    search_fields = ["description"]
    date_hierarchy = "date"
    inlines = [EvidenceInline]
    list_select_related = ["partner", "action_line"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
