"""A KPI with quarterly targets shows its chart of actual against target, in Chromium, in Dutch and English;
every page passes axe-core."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from actionlines import services
from actionlines.models import ActionLine
from contributions.models import ReportingPeriod
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in
from tests.factories import DecisionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_lead_sets_quarterly_targets_and_the_plan_shows_the_kpi_chart(page):
    seed_programme()
    seed_demo_users()
    director = get_user_model().objects.get(username="directeur")
    talent = ActionLine.objects.get(code="talent")
    plan = services.plan_start(year=2026, acting_user=director)
    services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=talent,
        title="Techniekweek",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 11, 30),
    )
    indicator = services.indicator_create(
        plan=plan,
        action_line=talent,
        acting_user=director,
        name="Deelnemers techniekweek",
        unit="scholieren",
        target=Decimal(400),
    )
    q1, q2, *_rest = ReportingPeriod.objects.filter(starts_on__year=2026).order_by("starts_on")
    with time_machine.travel("2026-07-15 10:00:00+02:00", tick=True):
        log_in(page, "trekker-talent", DEMO_PASSWORD)
        page.goto(plan.get_absolute_url())
        page.get_by_role("link", name="Doelen per kwartaal Deelnemers techniekweek").click()
        assert_no_axe_violations(page)
        page.get_by_label(f"Doel voor {q1.name}").fill("50")
        page.get_by_label(f"Doel voor {q2.name}").fill("150")
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_test_id("quarter-targets").inner_text() == f"{q1.name}: 50; {q2.name}: 150"

        plan = services.plan_send_for_review(plan=plan, acting_user=director)
        services.plan_adopt(plan=plan, acting_user=director, decision=DecisionFactory(plan=plan))
        services.indicator_actual_set(indicator=indicator, period=q1, value=Decimal(60), acting_user=director)
        page.goto(plan.get_absolute_url())
        chart = page.get_by_test_id("indicator-chart").get_by_role("img")
        assert "Lijngrafiek van Deelnemers techniekweek" in chart.get_attribute("alt")
        svg = page.request.get(chart.get_attribute("src"))
        assert svg.ok and "<svg" in svg.text() and "Doel" in svg.text() and "Gerealiseerd" in svg.text()
        assert page.evaluate("document.querySelector('[data-testid=indicator-chart] img').naturalWidth") > 0
        assert_no_axe_violations(page)

        page.get_by_role("button", name="English").click()
        chart = page.get_by_test_id("indicator-chart").get_by_role("img")
        assert "target per quarter against the actual" in chart.get_attribute("alt")
        assert "Target" in page.request.get(chart.get_attribute("src")).text()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Nederlands").click()
