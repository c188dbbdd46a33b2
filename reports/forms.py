from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from actionlines.models import ActionLine
from lifeport.lib.forms import TextField
from reports.selectors import period_choices


class ReportCreateForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES, initial="nl")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()


class NarrativeForm(forms.Form):
    """The executive summary and a remark per action line (one field per line, named remark_<code>)."""

    summary = TextField(label=_("Executive summary"), required=False, max_length=10000, rows=8)

    def __init__(self, *args, action_lines: list[ActionLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action_lines = action_lines
        for line in action_lines:
            self.fields[f"remark_{line.code}"] = TextField(
                label=_("Remarks on %(line)s") % {"line": line.name}, required=False, max_length=4000
            )

    @classmethod
    def initial_for(cls, report) -> dict:
        return {"summary": report.summary, **{f"remark_{c}": t for c, t in report.line_remarks.items()}}

    def line_remarks(self) -> dict[str, str]:
        return {line.code: self.cleaned_data.get(f"remark_{line.code}", "") for line in self.action_lines}

    def remark_fields(self) -> list:
        return [self[f"remark_{line.code}"] for line in self.action_lines]


class StatementsCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
