"""Form shapes for the regiegroep's pages. The rules themselves live in governance.services."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from actionlines.models import ActionLine, AnnualPlan, PlanStatus
from governance.models import (
    SCALE,
    SUBJECT_FIELDS,
    CostCategory,
    Decision,
    DecisionKind,
    Meeting,
    RiskStatus,
    SpendingKind,
)
from lifeport.lib.forms import AmountField, ModelChoiceField
from partners.models import Agreement, Partner, Role
from partners.permissions import users_with_role
from reports.models import Report, ReportStatus


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "title", "location", "attendees"]
        widgets = {"held_on": _date_widget(), "attendees": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Partner.objects.order_by("name")


class AgendaItemForm(forms.Form):
    prefix = "agenda"  # several forms share the meeting page: their ids must not clash

    title = forms.CharField(label=_("Agenda item"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    prefix = "document"  # several forms share the meeting page: their ids must not clash

    file = forms.FileField(label=_("Document (PDF, DOCX or XLSX, at most 10 MB)"))


class MeetingCommentForm(forms.Form):
    prefix = "comment"  # several forms share the meeting page: their ids must not clash

    text = forms.CharField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class MinutesForm(forms.Form):
    prefix = "minutes"  # several forms share the meeting page: their ids must not clash

    minutes = forms.CharField(label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12}))


class DecisionForm(forms.Form):
    """A decision and what it applies to: the select that matches the kind is the subject."""

    prefix = "decision"  # several forms share the meeting page: their ids must not clash

    text = forms.CharField(label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Applies to"), choices=DecisionKind.choices)
    plan = ModelChoiceField(
        label=_("Annual plan version (when adopting a plan)"),
        queryset=AnnualPlan.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.IN_REVIEW], decisions=None),
        required=False,
    )
    report = ModelChoiceField(
        label=_("Report (when issuing a report)"),
        queryset=Report.objects.exclude(status=ReportStatus.ISSUED).filter(decisions=None),
        required=False,
    )
    agreement = ModelChoiceField(label=_("Agreement"), queryset=Agreement.objects.all(), required=False)
    partner = ModelChoiceField(
        label=_("Partner (when its stage changes)"), queryset=Partner.objects.order_by("name"), required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        name = SUBJECT_FIELDS.get(DecisionKind(kind)) if kind else None
        data["subject"] = data.get(name) if name else None
        if name and data["subject"] is None:
            self.add_error(name, _("Choose what this decision applies to."))
        return data


class DecisionChoiceForm(forms.Form):
    """The steering group's decision that adopting a plan or issuing a report rests on (required)."""

    decision = ModelChoiceField(label=_("Decision of the steering group"), queryset=Decision.objects.none())

    def __init__(self, *args, decisions: QuerySet[Decision], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = lambda d: f"{d.number} – {d.text[:80]}"


# --- Risks ---------------------------------------------------------------------------------------------

SCORE_CHOICES = [(n, str(n)) for n in SCALE]


def _score_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int)


class RiskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    action_line = ModelChoiceField(
        label=_("Action line"),
        queryset=ActionLine.objects.all(),
        required=False,
        empty_label=_("The programme as a whole"),
    )
    cause = forms.CharField(label=_("Cause"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    effect = forms.CharField(label=_("Effect"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    likelihood = _score_field(_("Likelihood (1 = rare, 5 = almost certain)"))
    impact = _score_field(_("Impact (1 = negligible, 5 = severe)"))
    owner = ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = risk_owner_candidates()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


def risk_owner_candidates():
    """Who may own a risk: everyone active who works in the programme (not observers)."""
    roles = [Role.DIRECTOR, Role.OFFICE, Role.STEERING, Role.LEAD, Role.REPRESENTATIVE]
    return users_with_role(*roles).order_by("first_name", "last_name", "username")


class RiskReviewForm(forms.Form):
    prefix = "review"

    likelihood = _score_field(_("Likelihood (1 = rare, 5 = almost certain)"))
    impact = _score_field(_("Impact (1 = negligible, 5 = severe)"))
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices)
    note = forms.CharField(
        label=_("What changed"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureForm(forms.Form):
    prefix = "measure"

    description = forms.CharField(label=_("Measure"), max_length=500)
    due_on = forms.DateField(label=_("Due date"), widget=_date_widget())


# --- The programme budget ------------------------------------------------------------------------------


def _amount_field(label) -> AmountField:
    return AmountField(label=label, min_value=Decimal("0.01"))


class BudgetLineForm(forms.Form):
    prefix = "budget"

    year = forms.IntegerField(label=_("Year"), min_value=2026, max_value=2100)
    category = forms.ChoiceField(label=_("Cost category"), choices=CostCategory.choices)
    funder = ModelChoiceField(label=_("Funder"), queryset=Partner.objects.none())
    budget_code = forms.CharField(
        label=_("Budget code"), max_length=40, help_text=_("e.g. E600014-001 (municipal sub-project number)")
    )
    amount = _amount_field(_("Budget (€)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Partner.objects.order_by("name")


class SpendingForm(forms.Form):
    prefix = "spending"

    kind = forms.ChoiceField(label=_("Kind"), choices=SpendingKind.choices)
    category = forms.ChoiceField(label=_("Cost category"), choices=CostCategory.choices)
    on_date = forms.DateField(label=_("Date"), widget=_date_widget())
    description = forms.CharField(label=_("Description"), max_length=300)
    reference = forms.CharField(
        label=_("Invoice or period"),
        max_length=100,
        required=False,
        help_text=_("An invoice number, or a period such as 2026-K1 for a period's total."),
    )
    amount = _amount_field(_("Amount (€)"))

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        if not 2026 <= on_date.year <= 2100:
            raise forms.ValidationError(_("Enter a date from 2026 on."))
        return on_date
