from datetime import date

import pytest
import time_machine
from django.db import IntegrityError

from partners.models import Agreement
from partners.selectors import agreement_status
from tests.factories import AgreementFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-31 23:59:00+01:00", "Intentieverklaring Lifeport Semicon Regiegroep 2026"),
        ("2027-01-01 00:00:30+01:00", None),
        # 23:30 UTC on 31 December is already 1 January in Nijmegen.
        ("2026-12-31 23:30:00+00:00", None),
    ],
)
def test_current_agreement_around_the_end_of_2026(programme, moment, expected):
    with time_machine.travel(moment, tick=False):
        current = Agreement.current()
    assert (current.title if current else None) == expected


@pytest.mark.django_db
def test_the_successor_becomes_current_on_1_january_2027(programme):
    AgreementFactory(title="Samenwerkingsovereenkomst 2027", starts_on=date(2027, 1, 1), ends_on=date(2030, 12, 31))
    with time_machine.travel("2027-01-01 09:00:00+01:00", tick=False):
        assert Agreement.current().title == "Samenwerkingsovereenkomst 2027"
    assert Agreement.current(date(2026, 12, 31)).successor().title == "Samenwerkingsovereenkomst 2027"


@pytest.mark.django_db
def test_an_agreement_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        AgreementFactory(starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 30))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "language", "text"),
    [
        (date(2026, 11, 28), "nl", "nog 33 dagen"),
        (date(2026, 12, 30), "nl", "nog 1 dag"),
        (date(2026, 12, 31), "nl", "vandaag is de laatste dag"),
        (date(2027, 1, 1), "nl", "afgelopen op 31 december 2026"),
        (date(2026, 11, 28), "en", "33 days left"),
        (date(2027, 1, 1), "en", "ended on 31 December 2026"),
    ],
)
def test_countdown_text(programme, day, language, text):
    from django.utils import translation

    with translation.override(language):
        assert agreement_status(on=day).countdown_text == text


@pytest.mark.django_db
def test_status_after_the_end_says_whether_a_successor_exists(programme):
    ended = agreement_status(on=date(2027, 1, 2))
    assert ended.has_ended and ended.successor is None
    AgreementFactory(title="Opvolger", starts_on=date(2027, 3, 1), ends_on=date(2027, 12, 31))
    assert agreement_status(on=date(2027, 1, 2)).successor.title == "Opvolger"
