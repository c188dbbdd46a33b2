"""The programme budget against spending: budget lines per year, category and funder with a budget code,
commitments and actual spending entered by the office, the forecast and remainder per category, and the adopted
annual plan's activity budgets counting against activities."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from actionlines.demo import seed_demo_plan
from audit.models import Action, AuditEvent
from governance import services
from governance.models import CostCategory, SpendingKind
from governance.selectors import budget_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget_2026(programme, office):
    for category, amount in [(CostCategory.DIRECTOR, "120000"), (CostCategory.ACTIVITIES, "100000")]:
        services.budget_line_set(
            acting_user=office,
            year=2026,
            category=category,
            funder=programme["gemeente-nijmegen"],
            budget_code="E600014-001",
            amount=Decimal(amount),
        )


def _row(year: int, category: CostCategory):
    return next(row for row in budget_figures(year=year).rows if row.category == category)


def test_the_forecast_is_the_larger_of_committed_and_spent_and_the_remainder_follows(budget_2026, office):
    services.spending_add(
        acting_user=office,
        on_date=date(2026, 1, 15),
        category=CostCategory.DIRECTOR,
        kind=SpendingKind.COMMITMENT,
        description="Contract programmadirecteur 2026",
        amount=Decimal("110000"),
    )
    services.spending_add(
        acting_user=office,
        on_date=date(2026, 3, 31),
        category=CostCategory.DIRECTOR,
        kind=SpendingKind.ACTUAL,
        description="Facturen eerste kwartaal",
        reference="2026-K1",
        amount=Decimal("27500"),
    )
    row = _row(2026, CostCategory.DIRECTOR)
    assert (row.budget, row.committed, row.actual) == (Decimal("120000"), Decimal("110000"), Decimal("27500"))
    assert (row.forecast, row.remainder) == (Decimal("110000"), Decimal("10000"))
    assert _row(2027, CostCategory.DIRECTOR).budget == 0  # another year is another budget
    assert AuditEvent.objects.filter(action=Action.BUDGET_CHANGED).count() == 4


def test_setting_a_budget_line_again_replaces_it(budget_2026, office, programme):
    services.budget_line_set(
        acting_user=office,
        year=2026,
        category=CostCategory.DIRECTOR,
        funder=programme["gemeente-nijmegen"],
        budget_code="E600014-001",
        amount=Decimal("125000"),
    )
    assert _row(2026, CostCategory.DIRECTOR).budget == Decimal("125000")


def test_the_adopted_plans_activity_budgets_count_against_activities(budget_2026, programme):
    plan = seed_demo_plan()
    planned = sum(a.budget for a in plan.activities.all())
    row = _row(2026, CostCategory.ACTIVITIES)
    assert row.committed == planned and budget_figures(year=2026).plan_activities == planned
    assert row.remainder == Decimal("100000") - max(planned, row.actual)


def test_only_the_director_and_office_enter_the_budget(programme, steering):
    with pytest.raises(PermissionDenied):
        services.spending_add(
            acting_user=steering,
            on_date=date(2026, 2, 1),
            category=CostCategory.LSI_NETWORK,
            kind=SpendingKind.ACTUAL,
            description="x",
            amount=Decimal("1"),
        )


def test_the_budget_figures_read_three_queries(budget_2026, django_assert_num_queries):
    with django_assert_num_queries(3):
        budget_figures(year=2026)


def test_the_office_enters_spending_the_dutch_way_and_the_page_shows_forecast_and_remainder(
    client, budget_2026, office, steering
):
    client.force_login(office)
    response = client.post(
        "/regiegroep/begroting/uitgave/?jaar=2026",
        {
            "spending-kind": "actual",
            "spending-category": "director",
            "spending-on_date": "2026-04-30",
            "spending-description": "Factuur april",
            "spending-reference": "F-2026-041",
            "spending-amount": "12.500,50",
        },
    )
    assert response.status_code == 302
    client.force_login(steering)
    page = client.get("/regiegroep/begroting/?jaar=2026").content.decode()
    assert "€\xa012.500,50" in page and "€\xa0107.499,50" in page  # spent; the remainder of 120.000
    assert "E600014-001" in page
    assert client.post("/regiegroep/begroting/uitgave/", {}).status_code == 403
