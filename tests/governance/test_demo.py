"""The demo content: every governance page has something to show on a first visit, and a second run adds nothing."""

import pytest

from actionlines.demo import seed_demo_plan
from governance.demo import seed_demo_governance
from governance.models import Decision, Meeting, Risk
from governance.selectors import budget_figures
from partners.demo import seed_demo_users
from partners.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_fills_meetings_decisions_risks_budget_and_quarterly_targets(programme, client):
    seed_demo_users()
    plan = seed_demo_plan()
    assert seed_demo_governance(plan) is True
    assert seed_demo_governance(plan) is False
    assert Meeting.objects.count() == 2 and Risk.objects.count() == 5
    assert Decision.objects.for_subject(plan).get().number == "2026-01"
    figures = budget_figures(year=2026)
    assert figures.totals["budget"] == 860000 and figures.totals["actual"] > 0
    assert all(indicator.targets.count() == 4 for indicator in plan.indicators.all())

    client.force_login(UserFactory(username="demo-steering", role=Role.STEERING))
    for url, text in [
        ("/regiegroep/", "Regiegroep januari 2026"),
        ("/regiegroep/besluiten/", "De regiegroep stelt het jaarplan 2026 vast."),
        ("/regiegroep/risicos/", "Te weinig instroom in techniekopleidingen"),
        ("/regiegroep/begroting/?jaar=2026", "E600014-001"),
        (plan.get_absolute_url(), "grafiek.svg"),
    ]:
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
