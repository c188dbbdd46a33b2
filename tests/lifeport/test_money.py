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
