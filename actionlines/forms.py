"""Form shapes for the annual plan pages. The rules themselves live in actionlines.services."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionlines.models import (
    FIRST_PLAN_YEAR,
    ActionLine,
    Activity,
    AnnualPlan,
    Indicator,
    Milestone,
    MilestoneStatus,
    MultiYearTarget,
    Pledge,
)
from contributions.models import ReportingPeriod
from lifeport.lib.forms import AmountField, TextField
from partners.models import Partner, Role


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label, *, places: int = 2, required: bool = False, help_text: str = "") -> AmountField:
    return AmountField(label=label, required=required, min_value=0, decimal_places=places, help_text=help_text)


class PlanStartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_PLAN_YEAR, max_value=2100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = max(timezone.localdate().year, FIRST_PLAN_YEAR)


class PlanForm(forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = ["narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 8})}
        field_classes = {"narrative": TextField}


class ActivityForm(forms.ModelForm):
    budget = _amount(_("Budget (€)"), help_text=_("Empty means no budget of its own."))

    class Meta:
        model = Activity
        fields = ["action_line", "title", "description", "lead_partner", "starts_on", "ends_on", "budget", "funder"]
        widgets = {
            "starts_on": _date_widget(),
            "ends_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"description": TextField}

    def __init__(self, *args, lines: QuerySet[ActionLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action_line"].queryset = lines
        self.fields["action_line"].empty_label = None
        self.fields["lead_partner"].queryset = Partner.objects.order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        if data.get("budget") is None and "budget" not in self.errors:
            data["budget"] = 0
        return data

    def _post_clean(self) -> None:
        # Model validation (constraints, the plan) is the service's job; the instance has no plan yet.
        pass


class PledgeForm(forms.ModelForm):
    hours = _amount(_("In-kind hours"), places=1)
    in_kind_value = _amount(_("In-kind value (€)"))
    money = _amount(_("Money (€)"))

    class Meta:
        model = Pledge
        fields = ["partner", "hours", "in_kind_value", "money"]

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.order_by("name")
        if editing:
            self.fields["partner"].disabled = True

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name) for name in ("hours", "in_kind_value", "money")) and not self.errors:
            raise ValidationError(_("Enter hours, a value or an amount of money."))
        return data

    def amounts(self) -> dict:
        return {name: self.cleaned_data.get(name) or 0 for name in ("hours", "in_kind_value", "money")}

    def _post_clean(self) -> None:
        pass


def milestone_owners() -> QuerySet:
    roles = [Role.DIRECTOR, Role.OFFICE, Role.LEAD, Role.STEERING]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[r.value for r in roles])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class MilestoneForm(forms.ModelForm):
    owner = OwnerChoiceField(label=_("Owner"), queryset=milestone_owners(), required=False)

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "owner", "status", "done_on"]
        widgets = {"due_on": _date_widget(), "done_on": _date_widget()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = milestone_owners()
        self.fields["status"].choices = [c for c in MilestoneStatus.choices if c[0] != MilestoneStatus.LATE]
        self.fields["done_on"].help_text = _("Only when done; today if left empty.")

    def _post_clean(self) -> None:
        pass


class MilestoneProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[c for c in MilestoneStatus.choices if c[0] != MilestoneStatus.LATE]
    )
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=_date_widget(), help_text=_("Only when done; today if left empty.")
    )


class IndicatorForm(forms.ModelForm):
    baseline = _amount(_("Baseline"), required=True)
    target = _amount(_("Target"), required=True)

    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target"]

    def _post_clean(self) -> None:
        pass


class IndicatorActualForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Reporting period"), queryset=ReportingPeriod.objects.none())
    value = AmountField(label=_("Actual value"))

    def __init__(self, *args, year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            starts_on__year=year, starts_on__lte=timezone.localdate()
        ).order_by("starts_on")


class IndicatorTargetsForm(forms.Form):
    """A target per reporting period of the plan's year (empty: none for that period)."""

    def __init__(self, *args, indicator: Indicator, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = dict(indicator.targets.values_list("period_id", "value"))
        self.periods = list(ReportingPeriod.objects.filter(starts_on__year=indicator.plan.year).order_by("starts_on"))
        for period in self.periods:
            self.fields[f"period_{period.pk}"] = AmountField(
                label=_("Target for %(period)s") % {"period": period.name},
                required=False,
                min_value=0,
                initial=current.get(period.pk),
            )

    def targets(self) -> dict:
        return {period: self.cleaned_data[f"period_{period.pk}"] for period in self.periods}


class CommentForm(forms.Form):
    text = TextField(label=_("Your comment"), max_length=4000, rows=4)


class ResolveForm(forms.Form):
    resolution = TextField(label=_("How was it resolved?"), required=False, max_length=4000)


class TargetForm(forms.ModelForm):
    hours = _amount(_("Target in-kind hours"), places=1)
    in_kind_value = _amount(_("Target in-kind value (€)"))
    money = _amount(_("Target funding (€)"))

    class Meta:
        model = MultiYearTarget
        fields = ["goal", "hours", "in_kind_value", "money"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"goal": TextField}

    def clean(self) -> dict:
        data = super().clean()
        for name in ("hours", "in_kind_value", "money"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data

    def _post_clean(self) -> None:
        pass


class CompareForm(forms.Form):
    left = forms.ModelChoiceField(label=_("Version on the left"), queryset=AnnualPlan.objects.all())
    right = forms.ModelChoiceField(label=_("Version on the right"), queryset=AnnualPlan.objects.all())
