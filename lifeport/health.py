"""Health of every part (django-health-check's checks plus ours): database, cache, storage, disk, the broker,
a worker answering a ping, and beat's heartbeat (the daily job ran in the last 26 hours).

Three readers, one list: `/healthz` (load balancers: the cheap checks, status only), the staff page
(`lifeport.views.health_detail`: every check with its message) and `manage.py health` (cron, compose).
"""

import asyncio
import dataclasses
import datetime
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database
from health_check.checks import Storage as StorageCheck
from health_check.exceptions import ServiceUnavailable

from lifeport.models import Heartbeat

# The daily reminder job runs at 08:00; two hours' grace for a slow run or a clock change.
DAILY_JOB = "reminders.run_daily"
DAILY_JOB_MAX_AGE = datetime.timedelta(hours=26)


def heartbeat_record(name: str) -> None:
    """Record that periodic job `name` has just run (beat's heartbeat, read by `BeatHeartbeat`)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def _installed_at() -> datetime.datetime | None:
    """When this database was set up (its first migration): a new installation has had no daily job yet."""
    return MigrationRecorder.Migration.objects.aggregate(first=Min("applied"))["first"]


@dataclasses.dataclass
class BeatHeartbeat(HealthCheck):
    """Fails when the daily job (queued by beat, run by a worker) has not finished within `max_age`."""

    name: str = DAILY_JOB
    max_age: datetime.timedelta = dataclasses.field(default=DAILY_JOB_MAX_AGE, repr=False)

    def run(self) -> None:
        try:
            last = Heartbeat.objects.filter(name=self.name).values_list("at", flat=True).first()
            since = last or _installed_at()
        finally:
            connections.close_all()  # this runs in a pool thread: leave no connection open behind it
        if since is None or timezone.now() - since > self.max_age:
            hours = int(self.max_age.total_seconds() // 3600)
            when = f"last ran {last:%Y-%m-%d %H:%M} UTC" if last else "never ran"
            raise ServiceUnavailable(f"{self.name} {when}, more than {hours} hours ago: is celery beat running?")


@dataclasses.dataclass
class Storage(StorageCheck):
    """The media storage (a folder or S3) takes a file, gives it back and deletes it."""

    def run(self) -> None:
        try:
            super().run()
        except OSError as error:  # a folder not writable, a full disk, an S3 endpoint that refuses
            reason = getattr(error, "strerror", None) or error.__class__.__name__
            raise ServiceUnavailable(f"cannot write a test file: {reason}") from error
        except Exception as error:  # noqa: BLE001 - botocore raises its own (ClientError, EndpointConnectionError)
            if isinstance(error, ServiceUnavailable):
                raise
            raise ServiceUnavailable(f"cannot write a test file: {error.__class__.__name__}") from error


@dataclasses.dataclass
class Disk(HealthCheck):
    """Fails when the file system holding `path` is fuller than `max_used_percent`."""

    path: str = ""
    max_used_percent: float = dataclasses.field(default=90.0, repr=False)

    def run(self) -> None:
        try:
            usage = shutil.disk_usage(self.path)
        except OSError as error:
            raise ServiceUnavailable(f"{self.path}: {error.strerror}") from error
        used = 100 * usage.used / usage.total
        if used > self.max_used_percent:
            free_mb = usage.free // (1024 * 1024)
            raise ServiceUnavailable(f"{used:.0f}% used ({free_mb} MB free), above {self.max_used_percent:g}%")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis in production)."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    def run(self) -> None:
        from lifeport.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:  # noqa: BLE001 - kombu raises the transport's own errors
            raise ServiceUnavailable(f"cannot connect to the broker ({error.__class__.__name__})") from error


@dataclasses.dataclass
class Worker(HealthCheck):
    """A Celery worker answers a ping on the broker within `timeout`."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def run(self) -> None:
        from lifeport.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
                replies = app.control.ping(timeout=self.timeout.total_seconds(), connection=conn)
        except Exception as error:  # noqa: BLE001 - a broker that is down: said by Broker, said again here
            raise ServiceUnavailable(f"no worker could be asked ({error.__class__.__name__})") from error
        if not replies:
            raise ServiceUnavailable(f"no Celery worker answered a ping within {self.timeout.total_seconds():g} s")


def _disk_path() -> str:
    media = Path(settings.MEDIA_ROOT)
    return str(media if media.exists() else settings.BASE_DIR)


# Scopes: `lb` for /healthz (cheap: no writes, no broker round trip), `web`, `worker` and `beat` for the compose
# healthchecks of those services, `all` for the staff page and `manage.py health` without --scope.
def checks(scope: str = "all") -> list[HealthCheck]:
    broker = bool(settings.CELERY_BROKER_URL)
    disk_limit = float(getattr(settings, "HEALTH_DISK_MAX_USED_PERCENT", 90))
    table: list[tuple[set[str], HealthCheck]] = [
        ({"lb", "web"}, Database()),
        ({"lb", "web"}, Cache()),
        ({"web"}, Storage()),
        ({"web"}, Disk(path=_disk_path(), max_used_percent=disk_limit)),
    ]
    if broker:
        table += [({"worker"}, Broker()), ({"worker"}, Worker())]
    table.append(({"beat"}, BeatHeartbeat()))
    return [check for scopes, check in table if scope == "all" or scope in scopes]


SCOPES = ("all", "lb", "web", "worker", "beat")


def run_checks(selected: Iterable[HealthCheck]) -> list[HealthCheckResult]:
    """Run `selected` side by side (each within its own timeout); their results in the same order."""

    async def gather(executor):
        return await asyncio.gather(*(check.get_result(executor) for check in selected))

    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="health") as executor:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: a sync worker, a command
            return asyncio.run(gather(executor))
        # Called from sync code under a running event loop (ASGI's thread, a browser driver's): asyncio.run
        # refuses to nest, so the checks get a loop of their own in another thread.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="health-loop") as own:
            return own.submit(asyncio.run, gather(executor)).result()


LABELS = {
    "Database": _("Database"),
    "Cache": _("Cache"),
    "Storage": _("File storage"),
    "Disk": _("Disk space"),
    "Broker": _("Message broker"),
    "Worker": _("Celery worker"),
    "BeatHeartbeat": _("Daily job (beat)"),
}


def label(check: HealthCheck) -> str:
    return str(LABELS.get(type(check).__name__, type(check).__name__))
