"""A representative sees the unread count in the header, opens the list, and follows a reminder to the period."""

from datetime import date

import pytest
import time_machine

from contributions.models import ReportingPeriod
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from reminders.services import reminders_run
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_representative_follows_a_reminder_to_the_reporting_period(page):
    seed_programme()
    seed_demo_users()
    with time_machine.travel("2026-04-08 08:00:00+02:00", tick=True):
        assert len(reminders_run(day=date(2026, 4, 8)).claimed) == 7

        log_in(page, "nxp", DEMO_PASSWORD)
        unread = page.get_by_test_id("unread-reminders")
        assert unread.inner_text() == "1 ongelezen herinnering"
        assert_no_axe_violations(page)

        unread.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Herinneringen"
        reminder = page.get_by_role("link", name="Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026")
        assert reminder.is_visible()
        assert page.get_by_text("Ongelezen", exact=True).is_visible()
        assert_no_axe_violations(page)

        reminder.click()
        page.wait_for_load_state()
        period = ReportingPeriod.objects.get(name="2026-K1")
        assert page.url.endswith(period.get_absolute_url())
        assert "2026-K1" in page.get_by_role("heading", level=1).inner_text()
        assert page.get_by_test_id("unread-reminders").inner_text() == "0 ongelezen herinneringen"
        assert_no_axe_violations(page)

        page.get_by_test_id("unread-reminders").click()
        page.wait_for_load_state()
        assert page.get_by_text("Ongelezen", exact=True).count() == 0

        page.get_by_role("link", name="Instellingen voor herinneringen en agenda").click()
        page.wait_for_load_state()
        assert page.get_by_label("Adres van de agenda").input_value().endswith(".ics")
        assert_no_axe_violations(page)


def test_the_office_changes_a_lead_time_and_is_told_what_is_wrong(page):
    seed_programme()
    seed_demo_users()
    log_in(page, "bureau", DEMO_PASSWORD)
    page.goto("/herinneringen/termijnen/")
    assert_no_axe_violations(page)
    field = page.get_by_label("inleverdatum: dagen vooraf")
    assert field.input_value() == "7,1"
    field.fill("7,een")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("inleverdatum: dagen vooraf").input_value() == "7,een"
    assert_no_axe_violations(page)
    page.get_by_label("inleverdatum: dagen vooraf").fill("10, 3")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("De termijnen zijn opgeslagen.").is_visible()
    assert page.get_by_label("inleverdatum: dagen vooraf").input_value() == "10,3"
