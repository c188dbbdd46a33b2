import pytest

from actionlines.models import Activity, AnnualPlan, Indicator, IndicatorActual, Milestone, PlanStatus, Pledge
from actionlines.selectors import plan_realisation
from actionlines.services import seed_demo_plan
from partners.services import PARTIES, seed_demo_users


@pytest.mark.django_db
def test_the_demo_plan_is_adopted_and_covers_every_line_and_every_party(programme):
    seed_demo_users()
    plan = seed_demo_plan()

    assert plan.year == 2026 and plan.status == PlanStatus.ADOPTED
    assert plan.adopted_by.username == "directeur" and plan.adopted_at is not None
    assert set(Activity.objects.filter(plan=plan).values_list("action_line__code", flat=True)) == {
        "talent",
        "ruimte",
        "marktstrategie",
        "innovatie",
        "financien",
        "public-affairs",
    }
    assert set(Pledge.objects.filter(activity__plan=plan).values_list("partner__name", flat=True)) == {
        name for name, *_rest in PARTIES
    }
    assert Indicator.objects.filter(plan=plan).count() == 7
    assert IndicatorActual.objects.filter(indicator__plan=plan).count() == 21
    milestones = Milestone.objects.filter(activity__plan=plan)
    assert milestones.filter(status="done").exists()
    from datetime import date

    on = date(2026, 11, 28)
    assert milestones.overdue(on).exists()
    assert milestones.due_within(on, 30).exists()


@pytest.mark.django_db
def test_seeding_the_demo_plan_twice_creates_it_once(programme):
    first = seed_demo_plan()
    again = seed_demo_plan()
    assert first == again
    assert AnnualPlan.objects.count() == 1
    assert Activity.objects.count() == 7


@pytest.mark.django_db
def test_realisation_of_the_demo_plan_runs(programme, django_assert_max_num_queries):
    plan = seed_demo_plan()
    with django_assert_max_num_queries(10):
        result = plan_realisation(plan)
    assert result.total.pledged.total_value > 0
