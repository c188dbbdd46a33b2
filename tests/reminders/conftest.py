"""Helpers for running the daily reminder job the way beat does: at 08:00 Europe/Amsterdam on a given day."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from reminders.tasks import run_daily

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at_eight(day: date) -> datetime:
    """08:00 local time on `day` (CET or CEST, as beat's crontab fires)."""
    return datetime.combine(day, time(8, 0), tzinfo=AMSTERDAM)


def sent(outbox=None) -> set[tuple[str, str]]:
    """(recipient, subject) of every e-mail in the outbox."""
    return {(message.to[0], message.subject) for message in (outbox if outbox is not None else mail.outbox)}


@pytest.fixture
def run_job(django_capture_on_commit_callbacks) -> Callable[[date], int]:
    """Run the daily task at 08:00 on `day` with the clock there, executing the queued deliveries."""

    def run(day: date) -> int:
        with time_machine.travel(at_eight(day), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return run_daily()

    return run
