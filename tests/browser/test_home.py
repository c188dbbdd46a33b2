import pytest
import time_machine
from django.conf import settings as django_settings

from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_demo_representative_logs_in_and_sees_the_countdown(page):
    seed_programme()
    seed_demo_users()
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        page.goto("/")
        assert "/accounts/login/" in page.url
        assert_no_axe_violations(page)

        log_in(page, "nxp", DEMO_PASSWORD)
        assert page.get_by_test_id("countdown").inner_text() == "nog 33 dagen"
        assert page.get_by_role("heading", name="Huidige overeenkomst").is_visible()
        assert_no_axe_violations(page)

        page.get_by_role("button", name="English").click()
        assert page.get_by_test_id("countdown").inner_text() == "33 days left"
        assert_no_axe_violations(page)


def test_a_wrong_password_keeps_the_user_on_the_login_page_with_a_message(page):
    seed_programme()
    seed_demo_users()
    log_in(page, "nxp", "wrong-password-entirely")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()
    assert_no_axe_violations(page)
    assert django_settings.LANGUAGE_CODE == "nl"
