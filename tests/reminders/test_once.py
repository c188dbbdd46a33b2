"""Never twice: a second run, a duplicated delivery, two beat processes at the same moment."""

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, connections

from reminders import services
from reminders.models import Reminder
from reminders.services import reminder_deliver, reminders_run
from reminders.tasks import RETRY_COUNTDOWNS
from tests.factories import UserFactory
from tests.reminders.conftest import at_eight, sent, wait_for

APRIL_8 = date(2026, 4, 8)


@pytest.mark.django_db
def test_running_the_job_twice_on_a_day_sends_each_reminder_once(run_job, nxp_rep, asmpt_rep):
    assert run_job(APRIL_8) == 2
    assert run_job(APRIL_8) == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_a_delivery_task_that_runs_twice_sends_once(django_capture_on_commit_callbacks, nxp_rep):
    with django_capture_on_commit_callbacks(execute=False):
        (reminder_id,) = reminders_run(day=APRIL_8).claimed
    assert reminder_deliver(reminder_id=reminder_id) == "sent"
    assert reminder_deliver(reminder_id=reminder_id) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_reminder_whose_queueing_was_lost_is_sent_by_the_next_run(
    django_capture_on_commit_callbacks, run_job, nxp_rep
):
    with time_machine.travel(at_eight(APRIL_8), tick=False):
        with django_capture_on_commit_callbacks(execute=False):  # the broker was down: nothing queued
            reminders_run(day=APRIL_8)
    assert mail.outbox == []
    run_job(APRIL_8 + timedelta(days=1))
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().status == "sent"


@pytest.mark.django_db
def test_dry_run_records_and_sends_nothing(nxp_rep):
    result = reminders_run(day=APRIL_8, dry_run=True)
    assert [(d.rule, d.recipient_id) for d in result.due] == [("period_due", nxp_rep.pk)]
    assert not Reminder.objects.exists()
    assert mail.outbox == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_at_the_same_moment_send_each_reminder_once(programme, monkeypatch, celery_worker):
    """Both runs decide what is due before either claims anything; the unique key lets one of them win.
    The deliveries go through a real worker on Redis."""
    assert connection.vendor == "postgresql", "run this test against PostgreSQL (DATABASE_URL)"
    for slug in ["nxp", "asmpt", "the-economic-board"]:
        UserFactory(username=f"rep-{slug}", partner=programme[slug])
        UserFactory(username=f"rep2-{slug}", partner=programme[slug])
    both_decided = threading.Barrier(2, timeout=30)
    decide = services.reminders_not_yet_sent

    def decide_then_wait(due):
        result = decide(due)
        both_decided.wait()
        return result

    monkeypatch.setattr(services, "reminders_not_yet_sent", decide_then_wait)
    claimed: list[list[int]] = []
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            with time_machine.travel(at_eight(APRIL_8), tick=False):
                claimed.append(reminders_run(day=APRIL_8).claimed)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(len(c) for c in claimed) == [0, 6]
    wait_for(lambda: Reminder.objects.filter(status="sent").count() == 6)
    assert len(mail.outbox) == 6
    assert len(sent()) == 6
    assert Reminder.objects.filter(status="sent").count() == 6


def test_the_back_off_stays_below_the_brokers_visibility_timeout():
    assert list(RETRY_COUNTDOWNS) == sorted(RETRY_COUNTDOWNS)
    assert max(RETRY_COUNTDOWNS) < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
