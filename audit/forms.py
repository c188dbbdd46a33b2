from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What"), required=False, choices=[("", _("Everything")), *Action.choices])
    who = forms.CharField(label=_("Who (user name)"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label=_("Up to and including"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("This date is before the start date."))
        return data
