"""Bulk test data for the benchmarks: a PostgreSQL database of its own, filled in seconds.

Used by bench/harness.py (`make bench`) and the per-issue benchmark scripts.
"""

import os
import random
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def database_url(name: str) -> str:
    """A URL for database `name` on the server of DATABASE_URL (or the local one)."""
    server = os.environ.get("DATABASE_URL", f"{DEFAULT_SERVER}/postgres").rsplit("/", 1)[0]
    if not server.startswith("postgres"):
        server = DEFAULT_SERVER
    return f"{server}/{name}"


def setup_django(url: str) -> None:
    """Django with production settings (DEBUG off, in-process tasks) against the benchmark database `url`."""
    import secrets

    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="lifeport.settings",
        DEBUG="0",
        HTTPS="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CELERY_BROKER_URL="",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    os.chdir(BASE_DIR)
    import django

    django.setup()
    from django.conf import settings

    from tests.deployed import collected_static

    # The static files as deployed (collectstatic, hashed names), here and in the gunicorn the harness starts.
    settings.STATIC_ROOT = collected_static()
    os.environ["STATIC_ROOT"] = str(settings.STATIC_ROOT)


def recreate_database(name: str) -> str:
    """Drop and create database `name`, migrate it, and return its URL. Never touches another database."""
    if not name.startswith("lifeport_bench"):
        raise ValueError("benchmark databases are named lifeport_bench*")
    url = database_url(name)
    admin = database_url("postgres")
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "CELERY_BROKER_URL": ""}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    return url


def bulk_contributions(total: int, *, seed: int = 2026, batch: int = 100_000, today: date | None = None) -> int:
    """Add contributions until there are `total`, spread over partners, lines, periods and statuses.

    Needs Django set up against the benchmark database, with the programme and demo users seeded. About 60%
    are linked to an activity of the adopted annual plan of their year on their line, where there is one.
    Submitted and reviewed items get the timestamps the workflow gives (submitted 20 days after their date,
    reviewed 3 days later). They go in through `contributions_load` (the one write path: history and
    summary kept), `batch` at a time: a bulk insert and one grouped summary upsert each, as an import of that
    many rows would. Returns how many were added.
    """
    from datetime import datetime, time

    from django.contrib.auth import get_user_model

    from actionlines.models import ActionLine, Activity, PlanStatus
    from contributions.models import Contribution, Kind, ReportingPeriod, Status
    from contributions.services import contributions_load
    from partners.models import Partner

    have = Contribution.objects.count()
    if have >= total:
        return 0
    rng = random.Random(seed + have)
    partners = list(Partner.objects.filter(party_links__isnull=False).distinct())
    lines = list(ActionLine.objects.all())
    periods = list(ReportingPeriod.objects.order_by("starts_on"))
    author = get_user_model().objects.filter(is_superuser=False).exclude(username="AnonymousUser").first()
    today = today or date(2026, 11, 28)
    first = periods[0].starts_on
    span = (min(today, periods[-1].ends_on) - first).days
    statuses = [Status.APPROVED] * 14 + [Status.SUBMITTED] * 2 + [Status.DRAFT] * 3 + [Status.RETURNED]
    kinds = [Kind.STAFF_HOURS] * 6 + [Kind.FACILITIES, Kind.MATERIALS, Kind.OTHER, Kind.MONEY]
    activities: dict[tuple[int, int], list[int]] = {}
    adopted = Activity.objects.filter(plan__status=PlanStatus.ADOPTED)
    for activity_id, year, line_id in adopted.values_list("pk", "plan__year", "action_line_id"):
        activities.setdefault((year, line_id), []).append(activity_id)
    added = 0
    while have + added < total:
        rows = []
        for _ in range(min(batch, total - have - added)):
            day = first + timedelta(days=rng.randrange(span + 1))
            period = next(p for p in periods if p.starts_on <= day <= p.ends_on)
            kind = rng.choice(kinds)
            status = rng.choice(statuses)
            hours = Decimal(rng.randrange(1, 80)) if kind == Kind.STAFF_HOURS else None
            rate = Decimal("60.00") if hours else None
            amount = None if hours else Decimal(rng.randrange(100, 20000))
            line = rng.choice(lines)
            linkable = activities.get((day.year, line.pk))
            number = have + added + len(rows)
            submitted_at = None
            if status != Status.DRAFT:
                moment = datetime.combine(day + timedelta(days=20), time(10), tzinfo=AMSTERDAM)
                submitted_at = moment + timedelta(minutes=number % 600)
            reviewed = status in (Status.APPROVED, Status.RETURNED)
            rows.append(
                Contribution(
                    partner=rng.choice(partners),
                    action_line=line,
                    activity_id=rng.choice(linkable) if linkable and rng.random() < 0.6 else None,
                    period=period,
                    kind=kind,
                    date=day,
                    description=f"Benchmarkbijdrage {number}",
                    hours=hours,
                    hourly_rate=rate,
                    amount=amount,
                    value=hours * rate if hours else amount,
                    status=status,
                    submitted_at=submitted_at,
                    reviewed_at=submitted_at + timedelta(days=3) if reviewed else None,
                    created_by=author,
                )
            )
        contributions_load(contributions=rows)
        added += len(rows)
    return added


def bulk_load(size: int) -> int:
    """Contributions up to `size` (bulk_contributions), then VACUUM ANALYZE, as after any bulk load: the planner
    knows the new sizes and index-only scans see an up-to-date visibility map."""
    from django.db import connection

    added = bulk_contributions(size)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return added


def signed_in_client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    try:  # two-step verification: mark the session verified with the user's device, as a real sign-in does
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    except ImportError:
        pass
    return client
