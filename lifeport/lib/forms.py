"""Form fields and widgets shared by the apps."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from lifeport.lib.money import AmountRefused, parse_amount


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has the field, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class ListedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """Reads a (short) choice list with one plain query.

    Django's iterator calls `queryset.iterator()`, which on PostgreSQL opens a server-side cursor: DECLARE,
    FETCH and CLOSE, three round trips per select on every page with a filter form.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def _attributes(attrs: dict, skip: tuple[str, ...] = ()) -> str:
    """name="value" pairs as templates/django/forms/widgets/attrs.html prints them (True: bare, False: left out;
    `required` as aria-required, so that nothing shows invalid before the user touched it)."""
    if attrs.get("required") is True:
        attrs = {**{k: v for k, v in attrs.items() if k != "required"}, "aria-required": "true"}
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if name not in skip and value is not False and value is not None
        ),
    )


class Select(forms.Select):
    """The NL Design System select of templates/django/forms/widgets/select.html, written without the template
    engine: a filter bar has four or five selects with dozens of options, and rendering each option through
    a template include cost a list page more than its database queries."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        css = "utrecht-select utrecht-select--html-select"
        if widget["attrs"].get("class"):
            css += " " + widget["attrs"]["class"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((option["value"], _attributes(option["attrs"]), option["label"]) for option in options),
            )
            if group_name:
                rendered = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered)
            groups.append(rendered)
        return format_html(
            '<select name="{}" class="{}"{}>{}\n</select>',
            widget["name"],
            css,
            _attributes(widget["attrs"], skip=("class",)),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


class ModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices come from one query (see ListedModelChoiceIterator)."""

    iterator = ListedModelChoiceIterator
    widget = Select


class DecimalInput(forms.TextInput):
    """A text input for amounts and hours: `type=number` would refuse "1.234,56" in the browser and
    read it by the browser's locale, not the page's; `inputmode=decimal` still brings up a number pad."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountField(forms.DecimalField):
    """Every typed amount, value or number of hours: read by `lifeport.lib.money.parse_amount` in the page's
    language, so a form cannot read "1.500" otherwise than another form or the import does."""

    widget = DecimalInput

    def __init__(self, *, max_digits: int = 12, decimal_places: int = 2, **kwargs) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value), get_language() or settings.LANGUAGE_CODE)
        except AmountRefused as refused:
            raise ValidationError(refused.message, code="invalid") from refused


def one_line_break(text: str) -> str:
    """Line breaks as one character, the way a browser counts them for `maxlength` (it submits "\\r\\n")."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class TextField(forms.CharField):
    """Every multi-line text: a textarea whose `maxlength` and the server count a line break alike, as one
    character, so a text the browser let through is never refused for its length (nor cut)."""

    widget = forms.Textarea

    def __init__(self, *, rows: int = 3, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = one_line_break(value)
        return super().to_python(value)
