"""Helpers for running the daily reminder job the way beat does: at 08:00 Europe/Amsterdam on a given day."""

import time as time_module
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from actionlines.models import ActionLine
from contributions.models import Kind, ReportingPeriod
from reminders.tasks import run_daily
from tests.factories import stored_contribution

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


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Poll `condition` until it holds (work done by a real worker thread), failing after `timeout` seconds."""
    deadline = time_module.monotonic() + timeout
    while not condition():
        if time_module.monotonic() > deadline:
            pytest.fail(f"still not done after {timeout} s")
        time_module.sleep(0.2)


def contribution(partner, *, on: date = date(2026, 2, 10), status: str = "draft", reviewed_at=None, **extra):
    """A contribution written straight to the database (the workflow is not under test here)."""
    return stored_contribution(
        partner=partner,
        action_line=ActionLine.objects.get(code="talent"),
        period=ReportingPeriod.objects.containing(on).get(),
        kind=Kind.MONEY,
        date=on,
        description="Bijdrage",
        amount=Decimal("1000.00"),
        value=Decimal("1000.00"),
        status=status,
        created_by=get_user_model().objects.get_or_create(username="contribution-author")[0],
        reviewed_at=reviewed_at,
        **extra,
    )
