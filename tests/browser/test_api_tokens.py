"""The office issues an API token for a partner's system and revokes it; both pages pass axe-core."""

import pytest

from api.models import ApiToken
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_office_issues_and_revokes_a_token(page):
    seed_programme()
    seed_demo_users()
    log_in(page, "bureau", DEMO_PASSWORD)
    page.goto("/api-sleutels/")
    assert page.get_by_role("heading", level=1).inner_text() == "API-sleutels"
    assert_no_axe_violations(page)

    page.get_by_label("Naam van het systeem").fill("NXP projectadministratie")
    page.get_by_label("Partner").select_option(label="NXP")
    page.get_by_label("Bereik").select_option("write")
    page.get_by_label("Geldig tot").fill("2027-06-30")
    page.get_by_role("button", name="Sleutel uitgeven").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("api-key").inner_text().startswith("lpr_")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Intrekken NXP projectadministratie").click()
    page.wait_for_load_state()
    assert ApiToken.objects.get().revoked_at is not None
    assert_no_axe_violations(page)
