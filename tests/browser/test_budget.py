"""The programme office enters spending in Chromium and the budget page shows the remainder and the forecast,
in Dutch and in English; every page passes axe-core."""

from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from governance.models import CostCategory
from governance.services import budget_line_set
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.models import Partner
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _cells(page, category: str) -> list[str]:
    return [c.replace("\xa0", " ") for c in page.get_by_test_id(f"budget-{category}").locator("td").all_inner_texts()]


def test_the_office_enters_spending_and_the_budget_shows_remainder_and_forecast(page):
    seed_programme()
    seed_demo_users()
    office = get_user_model().objects.get(username="bureau")
    budget_line_set(
        acting_user=office,
        year=2026,
        category=CostCategory.TALENT_CAPACITY,
        funder=Partner.objects.get(slug="provincie-gelderland"),
        budget_code="E600014-001",
        amount=Decimal("80000"),
    )
    with time_machine.travel("2026-05-04 10:00:00+02:00", tick=True):
        log_in(page, "bureau", DEMO_PASSWORD)
        page.get_by_role("link", name="Budget", exact=True).click()
        assert _cells(page, "talent_capacity")[0] == "€ 80.000,00"
        assert_no_axe_violations(page)

        form = page.get_by_role("region", name="Verplichting of uitgave invoeren")
        form.get_by_label("Soort", exact=True).select_option("commitment")
        form.get_by_label("Kostensoort").select_option("talent_capacity")
        form.get_by_label("Datum").fill("2026-01-10")
        form.get_by_label("Omschrijving").fill("Detachering Talent-coördinator 2026")
        form.get_by_label("Bedrag (€)").fill("60.000")
        form.get_by_role("button", name="Invoeren").click()
        form = page.get_by_role("region", name="Verplichting of uitgave invoeren")
        form.get_by_label("Soort", exact=True).select_option("actual")
        form.get_by_label("Kostensoort").select_option("talent_capacity")
        form.get_by_label("Datum").fill("2026-03-31")
        form.get_by_label("Omschrijving").fill("Facturen eerste kwartaal")
        form.get_by_label("Factuur of periode").fill("2026-K1")
        form.get_by_label("Bedrag (€)").fill("15.250,75")
        form.get_by_role("button", name="Invoeren").click()

        # Budget, committed, spent, forecast (the larger of committed and spent), remainder.
        assert _cells(page, "talent_capacity") == [
            "€ 80.000,00",
            "€ 60.000,00",
            "€ 15.250,75",
            "€ 60.000,00",
            "€ 20.000,00",
        ]
        assert page.get_by_test_id("total-remainder").inner_text().replace("\xa0", " ") == "€ 20.000,00"
        assert "Facturen eerste kwartaal" in page.get_by_test_id("spending").inner_text()
        assert "E600014-001" in page.get_by_test_id("funders").inner_text()
        assert_no_axe_violations(page)

        page.get_by_role("button", name="English").click()
        assert _cells(page, "talent_capacity")[3:] == ["€60,000.00", "€20,000.00"]
        assert page.get_by_role("columnheader", name="Forecast to year end").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Nederlands").click()
