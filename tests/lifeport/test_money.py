from decimal import Decimal

import pytest

from lifeport.lib.money import format_euro, format_number


@pytest.mark.parametrize(
    ("amount", "nl", "en"),
    [
        (Decimal("1234.56"), "€\u00a01.234,56", "€1,234.56"),
        (Decimal("0"), "€\u00a00,00", "€0.00"),
        (Decimal("1000000"), "€\u00a01.000.000,00", "€1,000,000.00"),
        (Decimal("-25.5"), "€\u00a0-25,50", "-€25.50"),
        (Decimal("0.005"), "€\u00a00,01", "€0.01"),
        (None, "–", "–"),
    ],
)
def test_euro_amounts_in_both_languages(amount, nl, en):
    assert format_euro(amount, "nl") == nl
    assert format_euro(amount, "en") == en


def test_hours_with_thousands_separators():
    assert format_number(Decimal("12345.5"), "nl", 1) == "12.345,5"
    assert format_number(Decimal("12345.5"), "en", 1) == "12,345.5"


# --- One parser for every typed amount: the contribution form, the pledge form and the import ----------------

REFUSED = "refused"
# (typed, read in Dutch, read in English): Dutch groups thousands with "." and writes decimals after ",",
# English the reverse; a number in the other language's way is refused, never guessed.
TYPED = [
    ("7.500,00", "7500", REFUSED),
    ("1.234,56", "1234.56", REFUSED),
    ("€ 1.234,56", "1234.56", REFUSED),
    ("1.000", "1000", "1"),
    ("7.5", REFUSED, "7.5"),
    ("1,500.00", REFUSED, "1500"),
]


def _contribution_form(text: str, user, partner) -> object:
    from contributions.forms import ContributionForm

    form = ContributionForm(data={"amount": text}, user=user)
    form.is_valid()
    return form.errors["amount"][0] if "amount" in form.errors else form.cleaned_data["amount"]


def _pledge_form(text: str, user, partner) -> object:
    from actionlines.forms import PledgeForm

    form = PledgeForm(data={"partner": partner.pk, "hours": "", "in_kind_value": "", "money": text})
    form.is_valid()
    return form.errors["money"][0] if "money" in form.errors else form.cleaned_data["money"]


def _import(text: str, user, partner) -> object:
    from contributions.imports import parse_contributions_file

    header = "Datum;Actielijn;Soort;Uren;Bedrag;Omschrijving"
    data = f"{header}\r\n2026-03-01;Talent;Geld;;{text};Subsidie\r\n".encode()
    (row,) = parse_contributions_file(data).rows
    problems = [p.message for p in row.errors if p.column == "Bedrag"]
    return problems[0] if problems else row.values["amount"]


@pytest.mark.django_db
@pytest.mark.parametrize("surface", [_contribution_form, _pledge_form, _import], ids=["form", "pledge", "import"])
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("typed", "nl", "en"), TYPED)
def test_an_amount_is_read_alike_by_every_form_and_the_import(surface, language, typed, nl, en, nxp, nxp_rep):
    from django.utils import translation

    expected = {"nl": nl, "en": en}[language]
    with translation.override(language):
        result = surface(typed, nxp_rep, nxp)
    if expected == REFUSED:
        example = "1.234,56" if language == "nl" else "1,234.56"
        assert isinstance(result, str) and example in result, result
    else:
        assert result == Decimal(expected)


def test_the_refusal_says_how_to_write_it_in_dutch():
    from django.utils import translation

    from lifeport.lib.money import AmountRefused, parse_amount

    with translation.override("nl"), pytest.raises(AmountRefused) as refused:
        parse_amount("7.5", "nl")
    assert "1.234,56" in refused.value.message and "“,”" in refused.value.message


@pytest.mark.parametrize("language", ["nl", "en"])
def test_amount_fields_are_text_inputs_with_a_decimal_keypad(language):
    from django.utils import translation

    from contributions.forms import ContributionForm
    from lifeport.lib.forms import AmountField

    field = ContributionForm.base_fields["hours"]
    with translation.override(language):
        html = field.widget.render("hours", None)
    assert isinstance(field, AmountField)
    assert 'inputmode="decimal"' in html and 'type="text"' in html and 'type="number"' not in html


def test_no_form_reads_a_decimal_another_way():
    import importlib
    import inspect

    from django import forms

    from lifeport.lib.forms import AmountField

    found = []
    for app in ("accounts", "actionlines", "audit", "contributions", "partners", "reminders", "reports"):
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for name, field in form.base_fields.items():
                    if isinstance(field, forms.DecimalField | forms.FloatField):
                        found.append(f"{form.__name__}.{name}")
                        assert isinstance(field, AmountField), f"{form.__name__}.{name}"
    assert len(found) >= 10  # hours, amount, budget, pledges, targets, indicators
