"""Two Celery worker processes on one queue (docs/scaling.md): every task is done, and done once."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from lifeport.celery import app
from partners.demo import seed_demo_users
from partners.services import seed_programme
from reminders.models import Reminder, Status
from reminders.services import reminders_run
from reminders.tasks import deliver

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("Two worker processes share the test database only on PostgreSQL: set DATABASE_URL.")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, broker: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
        "DEBUG": "0",
        "HTTPS": "false",
        "EMAIL_URL": "",  # the console backend: each e-mail sent is written to the worker's output
        "SECRET_KEY": settings.SECRET_KEY,
    }
    command = [sys.executable, "-m", "celery", "-A", "lifeport", "worker", "--pool", "solo", "-n", f"{name}@%h"]
    command += ["--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def test_two_workers_on_one_queue_deliver_every_reminder_exactly_once(tmp_path):
    broker = app.conf.broker_url or ""  # the test Redis database, when a `celery_worker` test ran before
    if not broker.startswith("redis://"):
        pytest.fail("This test needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    app.conf.update(task_always_eager=False)
    app.control.purge()

    seed_programme()
    seed_demo_users()
    # Seven partners with nothing submitted for 2026-K1: seven reminders, queued one task each on commit.
    claimed = reminders_run(day=date(2026, 4, 8)).claimed
    ids = list(Reminder.objects.values_list("id", flat=True))
    assert len(claimed) == len(ids) == 7
    for reminder_id in ids:  # and every task once more, as a redelivery after a lost acknowledgement would
        deliver.delay(reminder_id)

    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [_start_worker(f"w{i}", broker, log) for i, log in enumerate(logs, start=1)]
    try:
        queue = redis.Redis.from_url(broker)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if queue.llen("celery") == 0 and not Reminder.objects.filter(status=Status.PENDING).exists():
                break
            time.sleep(0.5)
        time.sleep(2)  # let the last duplicate be taken and skipped
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    output = [log.read_text() for log in logs]
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SENT}, output[0][-3000:]
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SENT}
    sent_mail = [line for text in output for line in text.splitlines() if line.startswith("To: ")]
    recipients = sorted(line.removeprefix("To: ") for line in sent_mail)
    expected = sorted(Reminder.objects.values_list("recipient__email", flat=True))
    assert recipients == expected, "each reminder e-mailed exactly once across both workers"
    assert all("reminders.deliver" in text for text in output), "both workers took tasks from the queue"
