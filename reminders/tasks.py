"""Celery tasks for reminders: thin adapters around reminders.services.

Beat runs `reminders.run_daily` at 08:00 Europe/Amsterdam (settings.CELERY_BEAT_SCHEDULE); it claims the
day's reminders and queues one `reminders.deliver` per reminder, so one bad address stops nothing else.
"""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from reminders.services import DeliveryError, reminder_deliver, reminder_fail, reminders_run

# Back-off between attempts, in seconds; all below Redis's visibility timeout (1 hour).
RETRY_COUNTDOWNS = (60, 300, 900, 1800)


def retry_countdowns() -> tuple[float, ...]:
    return tuple(getattr(settings, "REMINDERS_RETRY_COUNTDOWNS", RETRY_COUNTDOWNS))


@shared_task(name="reminders.run_daily")
def run_daily(day: str | None = None) -> int:
    """The daily job for `day` (ISO date; today in Europe/Amsterdam by default). Returns how many were claimed.
    Each success is beat's heartbeat (lifeport/celery.py), which the health check reads."""
    on = date.fromisoformat(day) if day else timezone.localdate()
    claimed = len(reminders_run(day=on).claimed)
    return claimed


@shared_task(bind=True, name="reminders.deliver", max_retries=None)
def deliver(self, reminder_id: int) -> str:
    """Send one reminder; retry a mail failure with back-off, then record it as failed."""
    try:
        return reminder_deliver(reminder_id=reminder_id)
    except DeliveryError as exc:
        countdowns = retry_countdowns()
        if self.request.retries >= len(countdowns):
            reminder_fail(reminder_id=reminder_id, error=str(exc))
            return "failed"
        raise self.retry(countdown=countdowns[self.request.retries], exc=exc) from exc
