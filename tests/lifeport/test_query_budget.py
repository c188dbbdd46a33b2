"""The query budget of issue 13: no measured page reads more than 15 queries, and more data adds none.

The pages are the ones `make bench` measures (bench/harness.py `_pages`), on the data it seeds, so the
budget checked here and the queries column of bench/results are the same pages.
"""

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionlines.models import ActionLine
from bench import harness
from partners.models import Partner, Profile
from reminders.models import Reminder
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db

BUDGET = 15


def _add(count: int) -> None:
    partners = list(Partner.objects.order_by("pk"))
    lines = list(ActionLine.objects.order_by("pk"))
    for i in range(count):
        trait = ("submitted", "approved", "returned", None)[i % 4]
        ContributionFactory(
            partner=partners[i % len(partners)],
            action_line=lines[i % len(lines)],
            date=date(2026, 1, 5) + timedelta(days=(i * 7) % 300),
            **({trait: True} if trait else {}),
        )


def _queries(client) -> dict[str, int]:
    users = get_user_model().objects
    counts = {}
    for page in harness._pages():
        assert page.url, f"{page.label}: not built"
        client.force_login(users.get(username=page.persona))
        client.get(page.url)  # warm the content-type cache, as any running server has
        with CaptureQueriesContext(connection) as read:
            response = client.get(page.url)
        assert response.status_code in (200, 204), page.label
        counts[page.label] = len(read.captured_queries)
    return counts


def test_no_measured_page_reads_more_than_15_queries_and_more_data_adds_none(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo users, quickly
    harness._seed()
    _add(8)
    few = _queries(client)
    _add(120)
    many = _queries(client)
    over = {label: n for label, n in many.items() if n > BUDGET}
    assert not over, f"over {BUDGET} queries: {over}"
    assert many == few


def test_the_signed_in_user_brings_roles_language_and_unread_count_fresh_on_every_request(client, nxp_rep):
    """Read with the user in one query (accounts.backends.UserBackend), never kept between requests."""
    from partners.models import Role
    from partners.permissions import assign_role, remove_role

    client.force_login(nxp_rep)
    html = client.get("/").content.decode()
    assert 'data-testid="unread-reminders"' in html
    Reminder.objects.create(
        rule="period_due",
        subject="s-budget",
        recipient=nxp_rep,
        deadline=date(2026, 4, 15),
        lead_days=7,
        run=uuid.uuid4(),
        status="sent",
        title="Dien de bijdragen in",
    )
    html = client.get("/").content.decode()
    assert "1 ongelezen herinnering" in html
    Profile.objects.update_or_create(user=nxp_rep, defaults={"language": "en"})
    assert client.get("/").headers["Content-Language"] == "en"
    assign_role(user=nxp_rep, role=Role.OBSERVER)
    user = client.get("/").wsgi_request.user
    assert Role.OBSERVER in user._lifeport_roles
    remove_role(user=nxp_rep, role=Role.OBSERVER)
    assert Role.OBSERVER not in client.get("/").wsgi_request.user._lifeport_roles
