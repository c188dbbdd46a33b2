"""The daily job through a real Celery worker on Redis: one task per message, retries with back-off."""

import pytest
from django.core import mail

from partners.demo import seed_demo_users
from partners.services import seed_programme
from reminders.models import Reminder
from reminders.tasks import run_daily
from tests.factories import UserFactory
from tests.reminders import backends
from tests.reminders.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_daily_job_on_a_real_worker_fills_the_outbox_and_the_notification_list(celery_worker, client):
    seed_programme()
    seed_demo_users()
    assert run_daily.delay("2026-04-08").get(timeout=30) == 7
    wait_for(lambda: Reminder.objects.filter(status="sent").count() == 7)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{name}@demo.lifeport.example" for name in ["gemeente", "provincie", "radboud", "roc", "nxp", "asmpt", "teb"]
    )
    nxp_mail = next(m for m in mail.outbox if m.to == ["nxp@demo.lifeport.example"])
    assert nxp_mail.subject == "Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026"

    # The same job again (a retry of beat, a second run that day) sends nothing more.
    assert run_daily.delay("2026-04-08").get(timeout=30) == 0

    client.force_login(Reminder.objects.get(recipient__username="nxp").recipient)
    html = client.get("/herinneringen/").content.decode()
    assert "Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026" in html
    assert "1 ongelezen herinnering" in html
    assert len(mail.outbox) == 7


def test_a_bad_address_stops_nothing_else_and_is_retried_with_back_off_then_recorded_as_failed(
    celery_worker, settings, programme, client
):
    settings.EMAIL_BACKEND = "tests.reminders.backends.BouncingBackend"
    settings.REMINDERS_RETRY_COUNTDOWNS = [0.5, 1.0]
    backends.FLAKY.clear()
    backends.ATTEMPTS.clear()
    backends.ATTEMPTED_AT.clear()
    bouncing = UserFactory(username="bounce", email="bounce@example.org", partner=programme["nxp"])
    UserFactory(username="fine", email="fine@example.org", partner=programme["asmpt"])
    UserFactory(username="flaky", email="flaky@example.org", partner=programme["the-economic-board"])
    backends.FLAKY["flaky@example.org"] = 1  # refused once, then accepted

    assert run_daily.delay("2026-04-08").get(timeout=30) == 3
    wait_for(
        lambda: list(Reminder.objects.order_by("status").values_list("status", flat=True)) == ["failed", "sent", "sent"]
    )

    outcome = {r.recipient.username: (r.status, r.attempts) for r in Reminder.objects.select_related("recipient")}
    assert outcome == {"bounce": ("failed", 3), "fine": ("sent", 1), "flaky": ("sent", 2)}
    assert sorted(m.to[0] for m in mail.outbox) == ["fine@example.org", "flaky@example.org"]
    assert "550" in Reminder.objects.get(recipient=bouncing).last_error
    first, second, third = backends.ATTEMPTED_AT["bounce@example.org"]
    assert second - first >= 0.5 and third - second >= 1.0

    # The e-mail failed, but the reminder is in the app.
    client.force_login(bouncing)
    assert (
        "Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026" in client.get("/herinneringen/").content.decode()
    )
