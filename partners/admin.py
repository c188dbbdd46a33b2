from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from partners.models import Agreement, AgreementParty, Partner, Profile


@admin.register(Partner)
class PartnerAdmin(GuardedModelAdmin):
    list_display = ["name", "short_name", "helix", "active_from", "active_to"]
    list_filter = ["helix"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["represented_by"]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["partner"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agreement", "partner")  # each row's title names both


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "signed_on", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"
    inlines = [AgreementPartyInline]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    search_fields = ["user__username", "user__email"]
