"""Form shapes for the contribution pages. The rules themselves live in contributions.services."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from actionlines.models import ActionLine, Activity, PlanStatus
from contributions.models import MAX_DESCRIPTION, SUBMITTED_OR_APPROVED, Kind, ReportingPeriod, Status
from contributions.permissions import (
    own_partner_ids,
    own_partners,
    partners_selectable_by,
    sees_all_partners,
)
from contributions.services import MAX_EVIDENCE_BYTES
from lifeport.lib.forms import AmountField, ModelChoiceField, Select, TextField
from partners.models import Partner
from partners.permissions import is_programme_staff


class ActivityChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.plan.year} · {obj.action_line.name} · {obj.title}"


class ContributionForm(forms.Form):
    """Create and edit. The hourly rate and the value are never typed: the service derives them."""

    partner = ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), empty_label=None)
    action_line = ModelChoiceField(label=_("Action line"), queryset=ActionLine.objects.all())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of the contribution, or the last day of the work it covers."),
    )
    description = TextField(label=_("Description"), max_length=MAX_DESCRIPTION)
    hours = AmountField(
        label=_("Hours"),
        required=False,
        max_digits=7,
        help_text=_("Staff hours only. Valued at the hourly rate in force on the date."),
    )
    amount = AmountField(
        label=_("Amount (€)"),
        required=False,
        help_text=_("All kinds except staff hours: the value in euros."),
    )
    activity = ActivityChoiceField(
        label=_("Activity in the annual plan"),
        required=False,
        queryset=Activity.objects.none(),
        empty_label=_("No particular activity"),
        help_text=_("Optional: the activity of the adopted annual plan that this contribution belongs to."),
    )
    funder = forms.CharField(label=_("Funder"), required=False, max_length=200, help_text=_("Money only."))
    budget_code = forms.CharField(
        label=_("Budget code"), required=False, max_length=40, help_text=_("Money only, e.g. E600014-001.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, partner: Partner | None = None, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(plan__status=PlanStatus.ADOPTED).select_related(
            "plan", "action_line"
        )
        if editing:
            del self.fields["partner"]  # an item stays with its partner
            return
        del self.fields["version"]
        self.fields["partner"].queryset = Partner.objects.filter(pk__in=own_partner_ids(user)).order_by("name")
        self.fields["partner"].initial = partner
        if len(own_partner_ids(user)) < 2:
            self.fields["partner"].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        """The cleaned values as the keyword arguments of contribution_create / contribution_update."""
        data = self.cleaned_data
        names = ("action_line", "kind", "date", "description", "hours", "amount", "activity", "funder", "budget_code")
        return {name: data.get(name) if name in ("hours", "amount", "activity") else data[name] for name in names}


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, XLSX, DOCX or CSV; at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,application/pdf,image/png,image/jpeg,text/csv",
                "data-max-bytes": MAX_EVIDENCE_BYTES,
            }
        ),
    )


class CommentForm(forms.Form):
    """Returning a contribution (a comment) or reopening one (a reason): both must say why."""

    comment = TextField(label=_("Comment for the partner"), max_length=2000, rows=4)

    def __init__(self, *args, label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["comment"].label = label


class ContributionFilterForm(forms.Form):
    """The list page's filters (GET). `filters()` gives the keyword arguments of `contributions_filtered`.

    Invalid values (a partner the user may not list, a period that does not exist) are shown as errors
    and ignored; a representative without a choice sees their (first) partner.
    """

    partner = ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), required=False)
    period = ModelChoiceField(label=_("Period"), queryset=ReportingPeriod.objects.all(), required=False)
    action_line = ModelChoiceField(label=_("Action line"), queryset=ActionLine.objects.all(), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False, widget=Select
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=Select)

    def __init__(self, data=None, *, user, fields: tuple[str, ...] | None = None) -> None:
        super().__init__(data if data is not None else {})
        self.user = user
        partners = partners_selectable_by(user)
        self.fields["partner"].queryset = partners
        self.must_choose_partner = not sees_all_partners(user)
        if self.must_choose_partner:
            self.fields["partner"].empty_label = None
        else:
            self.fields["partner"].empty_label = _("All partners")
        self.fields["period"].empty_label = _("All periods")
        self.fields["action_line"].empty_label = _("All action lines")
        statuses = Status.choices if _reads_drafts(user) else [(s.value, s.label) for s in SUBMITTED_OR_APPROVED]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]
        self.is_valid()

    @property
    def shows_partner_switch(self) -> bool:
        return "partner" in self.fields and not (self.must_choose_partner and len(own_partner_ids(self.user)) < 2)

    def filters(self) -> dict:
        """Keyword arguments for `contributions_filtered` (valid filters only; the default partner filled in)."""
        data = getattr(self, "cleaned_data", {})
        result = {name: data.get(name) or None for name in self.fields}
        if "partner" in self.fields and result["partner"] is None and self.must_choose_partner:
            result["partner"] = self.default_partner()
        return result

    def default_partner(self) -> Partner | None:
        partners = own_partners(self.user)
        return partners[0] if partners else None

    def has_filter_errors(self) -> bool:
        return bool(self.errors) and NON_FIELD_ERRORS not in self.errors


def _reads_drafts(user) -> bool:
    return is_programme_staff(user) or bool(own_partner_ids(user))


class ImportForm(forms.Form):
    """Upload a CSV or XLSX file of contributions for one of the user's partners."""

    partner = ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx), at most 5 MB and 10,000 rows: the column names in the first row, "
            "one contribution a row."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def __init__(self, *args, partners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.only_partner = partners[0] if len(partners) == 1 else None
        if self.only_partner:
            self.fields["partner"].widget = forms.HiddenInput()
            self.fields["partner"].required = False
            self.fields["partner"].initial = self.only_partner.pk

    def clean_partner(self) -> Partner:
        return self.cleaned_data.get("partner") or self.only_partner
