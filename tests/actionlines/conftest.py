import pytest

from actionlines import services
from actionlines.demo import seed_demo_plan
from actionlines.models import AnnualPlan
from partners.demo import seed_demo_users


@pytest.fixture
def demo(programme) -> AnnualPlan:
    """The adopted demo plan of 2026 (with the demo users it names)."""
    seed_demo_users()
    return seed_demo_plan()


@pytest.fixture
def draft(demo, director) -> AnnualPlan:
    """Version 2 of the demo plan, a draft."""
    return services.plan_new_version(plan=demo, acting_user=director)
