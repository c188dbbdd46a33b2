"""lifeport/lib/spreadsheet.py: which text gets a quote in a CSV, and that the import takes exactly that quote off."""

from datetime import date
from decimal import Decimal

import pytest

from lifeport.lib.spreadsheet import csv_cell, csv_text, csv_unguard

GUARDED = ["=1+1", "+1", "-", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\tx", "\rx", " =1", "\u00a0@x", "'=1", "''+1"]
PLAIN = ["", "hello", "'hello", "'", "''", "1+1", "a=b", "E600014-001", "€ -5", " hello", "x\t=1", "|calc", "%x"]


@pytest.mark.parametrize("text", GUARDED)
def test_text_a_spreadsheet_would_evaluate_gets_one_quote_in_front(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_is_written_as_it_is(text):
    assert csv_text(text) == text


@pytest.mark.parametrize("text", GUARDED + PLAIN)
def test_the_import_reads_back_exactly_the_text_that_was_exported(text):
    assert csv_unguard(csv_text(text)) == text


@pytest.mark.parametrize("cell", ["'hello", "'", "'1+1", "'x=1"])
def test_a_quote_that_does_not_precede_a_formula_character_is_kept(cell):
    assert csv_unguard(cell) == cell


def test_numbers_and_dates_are_never_quoted_and_a_negative_number_stays_a_number():
    assert csv_cell(Decimal("-12.50"), decimal_mark=",") == "-12,50"
    assert csv_cell(Decimal("1234.5")) == "1234.5"
    assert csv_cell(-3) == "-3"
    assert csv_cell(date(2026, 3, 31)) == "2026-03-31"
    assert csv_cell(None) == ""
    assert csv_cell("-12,50") == "'-12,50"  # text that looks like a number is text: it is quoted
