from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import Scope
from lifeport.lib.forms import ModelChoiceField
from partners.models import Partner

MAX_VALID_DAYS = 2 * 366


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the system"), max_length=100, help_text=_("e.g. “NXP project accounting”."))
    partner = ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        empty_label=_("None: a programme staff token (reads the figures)"),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ)
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most two years from today."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Choose a date after today."))
        if day > today + timedelta(days=MAX_VALID_DAYS):
            raise forms.ValidationError(_("A token is valid for at most two years."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("scope") == Scope.WRITE and not data.get("partner"):
            self.add_error("scope", _("Only a partner's token can write; a staff token reads."))
        return data
