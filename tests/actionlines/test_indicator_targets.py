"""KPIs per period: a target per quarter next to the yearly one, set in the draft plan, carried into a new
version, and a chart of the actual against the target over the year (SVG, cached by its content)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from actionlines import services
from actionlines.models import ActionLine
from actionlines.selectors import indicator_series
from contributions.models import ReportingPeriod
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(director):
    plan = services.plan_start(year=2026, acting_user=director)
    services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=ActionLine.objects.get(code="talent"),
        title="Techniekweek",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 11, 30),
    )
    return services.indicator_create(
        plan=plan,
        action_line=ActionLine.objects.get(code="talent"),
        acting_user=director,
        name="Deelnemers techniekweek",
        unit="scholieren",
        target=Decimal("400"),
    )


def _quarters() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(starts_on__year=2026).order_by("starts_on"))


def test_quarterly_targets_and_actuals_make_the_series_of_the_year(indicator, director, talent_lead, steering):
    q1, q2, q3, q4 = _quarters()
    services.indicator_targets_set(
        indicator=indicator, acting_user=talent_lead, targets={q1: Decimal(50), q2: Decimal(150), q3: None}
    )
    with pytest.raises(PermissionDenied):
        services.indicator_targets_set(indicator=indicator, acting_user=steering, targets={q1: Decimal(1)})
    plan = services.plan_send_for_review(plan=indicator.plan, acting_user=director)
    services.plan_adopt(plan=plan, acting_user=director, decision=DecisionFactory(plan=plan))
    with time_machine.travel("2026-07-15 10:00:00+02:00", tick=False):
        services.indicator_actual_set(indicator=indicator, period=q1, value=Decimal(60), acting_user=talent_lead)
        services.indicator_actual_set(indicator=indicator, period=q2, value=Decimal(120), acting_user=talent_lead)
    series = [(p.period, p.target, p.actual) for p in indicator_series(indicator)]
    assert series == [
        (q1.name, Decimal(50), Decimal(60)),
        (q2.name, Decimal(150), Decimal(120)),
        (q3.name, None, None),
        (q4.name, Decimal(400), None),  # the yearly target closes the year
    ]


def test_a_new_version_keeps_the_quarterly_targets(indicator, director):
    q1 = _quarters()[0]
    services.indicator_targets_set(indicator=indicator, acting_user=director, targets={q1: Decimal(75)})
    plan = services.plan_send_for_review(plan=indicator.plan, acting_user=director)
    services.plan_adopt(plan=plan, acting_user=director, decision=DecisionFactory(plan=plan))
    version2 = services.plan_new_version(plan=plan, acting_user=director)
    copy = version2.indicators.get()
    assert list(copy.targets.values_list("period_id", "value")) == [(q1.pk, Decimal("75.00"))]


def test_the_targets_page_takes_dutch_numbers_and_the_plan_shows_the_chart(client, indicator, director):
    q1, q2, _q3, _q4 = _quarters()
    client.force_login(director)
    url = f"/actielijnen/indicatoren/{indicator.pk}/kwartaaldoelen/"
    response = client.post(url, {f"period_{q1.pk}": "1.000", f"period_{q2.pk}": "2.500,5"})
    assert response.status_code == 302
    assert list(indicator.targets.values_list("value", flat=True)) == [Decimal("1000"), Decimal("2500.50")]
    page = client.get(indicator.plan.get_absolute_url()).content.decode()
    assert f"/rapportages/indicatoren/{indicator.pk}/grafiek.svg" in page
    svg = client.get(f"/rapportages/indicatoren/{indicator.pk}/grafiek.svg")
    assert svg["Content-Type"] == "image/svg+xml" and "Doel" in svg.content.decode()
    assert client.post(url, {f"period_{q1.pk}": "twaalf"}).status_code == 400
