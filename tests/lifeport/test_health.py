"""Health of every part, against the real services: the database, Redis, a Celery worker, the media folder.

Each part is stopped in turn (the broker on a closed port, no worker, a stale heartbeat, an unwritable media
folder) and the check says which part and why; `manage.py health` exits non-zero."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from lifeport.health import heartbeat_record

BASE_DIR = Path(settings.BASE_DIR)


def _health(*args: str) -> tuple[str, CommandError | None]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("health", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


# The command speaks the site's language (LANGUAGE_CODE nl): the parts' names are Dutch, the messages technical.
def _line(output: str, part: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{part}:"))


@pytest.mark.django_db
def test_healthz_answers_the_status_alone(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.services
def test_every_part_healthy_with_a_worker_and_the_daily_job_run(celery_worker):
    from reminders.tasks import run_daily

    run_daily.delay().get(timeout=30)  # beat's job, on the real worker: it records the heartbeat
    output, error = _health()
    assert error is None, output
    for part in ("Database", "Cache", "Bestandsopslag", "Schijfruimte", "Berichtenbroker", "Celery-worker"):
        assert _line(output, part).startswith(f"{part}: OK"), output
    assert _line(output, "Dagelijkse taak (beat)").startswith("Dagelijkse taak (beat): OK")


@pytest.mark.services
def test_no_worker_fails_the_worker_check_with_its_message(transactional_db):
    output, error = _health("--scope", "worker")
    assert error is not None and error.returncode == 1
    assert "Berichtenbroker: OK" in output
    assert "Celery-worker: FAIL Unavailable: no Celery worker answered a ping within 2 s" in output


def test_a_broker_down_fails_manage_py_health_with_exit_code_1(django_db_setup):
    from tests.deployed import database_url

    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(), "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "health", "--scope", "worker"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Berichtenbroker: FAIL Unavailable: cannot connect to the broker (OperationalError)" in result.stdout
    assert "Celery-worker: FAIL Unavailable: no worker could be asked" in result.stdout
    assert "unhealthy: Berichtenbroker, Celery-worker" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_daily_job_older_than_26_hours_fails_the_beat_check():
    with time_machine.travel(timezone.now() - timedelta(hours=27), tick=False):
        heartbeat_record("reminders.run_daily")
    output, error = _health("--scope", "beat")
    assert error is not None and error.returncode == 1
    line = _line(output, "Dagelijkse taak (beat)")
    assert "FAIL Unavailable: reminders.run_daily last ran" in line
    assert "more than 26 hours ago: is celery beat running?" in line
    heartbeat_record("reminders.run_daily")
    assert _health("--scope", "beat")[1] is None


@pytest.mark.django_db(transaction=True)
def test_a_daily_job_that_never_ran_fails_26_hours_after_installation():
    assert _health("--scope", "beat")[1] is None  # a new installation: no daily job yet, and none due
    with time_machine.travel(timezone.now() + timedelta(hours=27)):
        output, error = _health("--scope", "beat")
    assert error is not None
    assert "reminders.run_daily never ran, more than 26 hours ago" in output


@pytest.mark.django_db(transaction=True)
def test_an_unwritable_media_storage_fails_the_storage_check(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    output, error = _health("--scope", "web")
    assert error is not None
    assert "Bestandsopslag: FAIL Unavailable: cannot write a test file: Not a directory" in output
    assert "Database: OK" in output


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_fails_the_disk_check(settings):
    settings.HEALTH_DISK_MAX_USED_PERCENT = 0
    output, error = _health("--scope", "web")
    assert error is not None
    assert "% used (" in _line(output, "Schijfruimte") and "above 0%" in _line(output, "Schijfruimte")


@pytest.mark.django_db(transaction=True)
def test_the_status_page_shows_each_part_to_the_programme_staff(client, director, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"
    client.force_login(director)
    response = client.get("/systeemstatus/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Systeemstatus" in body
    assert "Ten minste één onderdeel werkt niet" in body
    assert "cannot write a test file: Not a directory" in body
    assert "Database" in body and "Bestandsopslag" in body
