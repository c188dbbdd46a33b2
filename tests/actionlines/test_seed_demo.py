import pytest

from actionlines.demo import seed_demo_plan
from actionlines.models import Activity, AnnualPlan, Indicator, IndicatorActual, Milestone, PlanStatus, Pledge
from actionlines.selectors import plan_realisation
from partners.demo import seed_demo_users
from partners.services import PARTIES


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
    assert milestones.open().filter(due_on__gte=on, due_on__lte=date(2026, 12, 28)).exists()


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


@pytest.mark.django_db
def test_seed_lifeport_demo_creates_the_adopted_2026_plan_with_realisation(settings):
    import time_machine
    from django.core.management import call_command

    from contributions.models import Contribution

    settings.DEBUG = True
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        call_command("seed_lifeport", "--demo")
        plan = AnnualPlan.objects.get()
        linked = Contribution.objects.filter(activity__plan=plan).count()
        result = plan_realisation(plan)
        call_command("seed_lifeport", "--demo")

    assert plan.status == PlanStatus.ADOPTED and plan.year == 2026
    assert Activity.objects.filter(plan=plan).values("action_line").distinct().count() == 6
    assert Pledge.objects.filter(activity__plan=plan).values("partner").distinct().count() == 7
    assert linked > 0 and Contribution.objects.filter(activity__plan=plan).count() == linked
    assert AnnualPlan.objects.count() == 1
    assert all(row.approved.total_value > 0 for row in result.activities)  # the demo contributions count
    assert {row.forecast for row in result.partners} >= {"will_meet", "will_not_meet"}
