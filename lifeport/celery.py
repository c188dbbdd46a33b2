"""The Celery app: reads Django settings (CELERY_*), finds tasks in every installed app."""

import os

from celery import Celery
from celery.signals import task_success

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifeport.settings")

app = Celery("lifeport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Beat's heartbeat: each successful run of these periodic jobs is recorded; lifeport.health fails when the daily
# one is more than 26 hours old (beat stopped, or the job keeps failing). Kept here, by task name, so that the
# apps' tasks need not know about the health check.
HEARTBEAT_TASKS = frozenset({"reminders.run_daily"})


@task_success.connect
def _record_heartbeat(sender=None, **kwargs) -> None:
    name = getattr(sender, "name", None)
    if name in HEARTBEAT_TASKS:
        from lifeport.health import heartbeat_record  # Django is set up by the time a task has run

        heartbeat_record(name)
