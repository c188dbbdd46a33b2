from django import forms

from reminders.models import LeadTimes, Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["non_essential"]


class LeadTimesForm(forms.ModelForm):
    class Meta:
        model = LeadTimes
        fields = [
            "period_due_days",
            "period_missing_days_after",
            "returned_days",
            "milestone_due_days",
            "milestone_late_every_days",
            "annual_plan_month",
            "annual_plan_day",
            "agreement_end_days",
            "agreement_ended_days_after",
        ]
