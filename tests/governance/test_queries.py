"""The governance pages read a fixed number of queries: more meetings, decisions, risks or spending add none."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionlines.demo import seed_demo_plan
from governance import services
from governance.demo import seed_demo_governance
from governance.models import Meeting, Risk
from partners.demo import seed_demo_users
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _counts(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as read:
            assert client.get(url).status_code == 200, url
        counts[url] = len(read.captured_queries)
    return counts


def test_more_governance_data_adds_no_queries(client, programme, director):
    seed_demo_users()
    seed_demo_governance(seed_demo_plan())
    meeting = Meeting.objects.order_by("held_on").last()
    risk = Risk.objects.first()
    urls = [
        "/regiegroep/",
        "/regiegroep/besluiten/",
        meeting.get_absolute_url(),
        "/regiegroep/risicos/",
        risk.get_absolute_url(),
        "/regiegroep/begroting/?jaar=2026",
    ]
    client.force_login(director)
    few = _counts(client, urls)
    for i in range(15):
        extra = MeetingFactory(title=f"Extra {i}", created_by=director)
        services.decision_record(meeting=extra, acting_user=director, text=f"Besluit {i}", kind="other")
        services.agenda_item_add(meeting=meeting, acting_user=director, title=f"Punt {i}")
        services.comment_add(meeting=meeting, acting_user=director, text=f"Opmerking {i}")
        services.measure_add(risk=risk, acting_user=director, description=f"Maatregel {i}", due_on=date(2026, 12, 1))
        services.risk_review(risk=risk, acting_user=director, likelihood=1 + i % 5, impact=2, status="open")
        services.risk_create(
            acting_user=director, title=f"Risico {i}", cause="-", effect="-", likelihood=2, impact=3, owner=director
        )
        services.spending_add(
            acting_user=director,
            on_date=date(2026, 5, 1),
            category="activities",
            kind="actual",
            description=f"Factuur {i}",
            amount=Decimal(100),
        )
    many = _counts(client, urls)
    assert many == few
    assert max(many.values()) <= 15, many
