"""Benchmark of the daily reminder job (issue 6): 1,000 representatives over 4 reporting periods, eager tasks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reminders.py
    .venv/bin/python bench/reminders.py --sqlite     # the local mode: a SQLite file under var/

Creates its own PostgreSQL database `lifeport_bench_reminders` on the server of DATABASE_URL (never touching any
other database), seeds the programme and the demo users, and adds 250 partners to the 2026 agreement with four
representatives each: 1,000 representatives, none of whom has submitted anything in the four quarters. Then it
times the daily job as beat runs it, in-process with eager tasks (CELERY_BROKER_URL unset) and the in-memory
mail backend: the claim, one delivery task per message, each rendering and "sending" its e-mail.

- one period due: 8 April 2026, 7 days before the 2026-K1 deadline (1,007 reminders);
- four periods due at once: all four deadlines moved to 15 January 2027, run on 8 January 2027 (4,028 reminders);
- each run again the same day (sends nothing: the unique key holds).

A trivial signed-in view (/ping) is timed in the same run as the machine's floor. Prints figures; asserts
nothing. The goal (issue 6): the daily job for 1,000 representatives over 4 periods under 10 seconds.
The database is dropped at the end unless --keep is given.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.data import database_url, recreate_database, setup_django  # noqa: E402

DB_NAME = os.environ.get("BENCH_DATABASE", "lifeport_bench") + "_reminders"  # beside make bench's own database


def _setup_django(url: str) -> None:
    setup_django(url)
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sqlite_database() -> str:
    """A fresh, migrated SQLite file under var/ (the app's local mode: no DATABASE_URL, eager tasks)."""
    path = BASE_DIR / "var" / "bench_reminders.sqlite3"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "CELERY_BROKER_URL": ""}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    return url


def _representatives(partners: int, per_partner: int) -> int:
    """`partners` extra parties to the 2026 agreement, each with `per_partner` representatives."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from partners.models import Agreement, AgreementParty, Helix, Partner, Profile, Role
    from partners.permissions import ACT_FOR_PARTNER

    agreement = Agreement.objects.get()
    made = Partner.objects.bulk_create(
        [
            Partner(name=f"Bench partner {n:04d}", short_name=f"B{n:04d}", slug=f"bench-{n:04d}", helix=Helix.BUSINESS)
            for n in range(partners)
        ]
    )
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=agreement, partner=p, joined_on=agreement.starts_on) for p in made]
    )
    user_model = get_user_model()
    password = make_password(None)
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"bench-{p.slug}-{i}", email=f"{p.slug}-{i}@bench.example", password=password)
            for p in made
            for i in range(per_partner)
        ]
    )
    Profile.objects.bulk_create([Profile(user=u, language="nl" if u.pk % 3 else "en") for u in users])
    group = Group.objects.get(name=Role.REPRESENTATIVE.value)
    group.user_set.add(*users)
    for n, partner in enumerate(made):
        assign_perm(
            ACT_FOR_PARTNER,
            user_model.objects.filter(pk__in=[u.pk for u in users[n * per_partner :][:per_partner]]),
            partner,
        )
    return len(users)


def _floor_ms(rounds: int = 50) -> float:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="nxp"))
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get("/ping")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _run(day: date) -> tuple[int, int, float]:
    """The daily job for `day` as beat runs it: (reminders claimed, e-mails sent, seconds)."""
    from django.core import mail

    from reminders.services import reminders_run

    mail.outbox = []
    started = time.perf_counter()
    result = reminders_run(day=day)  # commits, then runs the queued delivery tasks eagerly
    seconds = time.perf_counter() - started
    return len(result.claimed), len(mail.outbox), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partners", type=int, default=250)
    parser.add_argument("--per-partner", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--sqlite", action="store_true", help="use a SQLite file (the local mode) instead")
    parser.add_argument(
        "--no-fsync-wait",
        action="store_true",
        help="diagnostic: PostgreSQL synchronous_commit off for the benchmark database (how much is disk flushing)",
    )
    args = parser.parse_args()

    url = _sqlite_database() if args.sqlite else recreate_database(DB_NAME)
    if args.no_fsync_wait and not args.sqlite:
        subprocess.run(
            ["psql", database_url("postgres"), "-q", "-c", f'ALTER DATABASE "{DB_NAME}" SET synchronous_commit = off'],
            check=True,
        )
    _setup_django(url)
    from contributions.models import ReportingPeriod
    from partners.demo import seed_demo_users
    from partners.services import seed_programme

    seed_programme()
    seed_demo_users()
    reps = _representatives(args.partners, args.per_partner)
    floor = _floor_ms()
    print(f"{reps} representatives of {args.partners} bench partners (+ 7 demo parties), 4 quarterly periods")
    print()
    print("| run | reminders claimed | e-mails | seconds | ms per reminder | floor /ping ms | × floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")

    def row(label: str, day: date) -> None:
        claimed, sent, seconds = _run(day)
        per = seconds * 1000 / claimed if claimed else 0
        print(
            f"| {label} | {claimed} | {sent} | {seconds:.2f} | {per:.2f} | {floor:.1f} | {seconds * 1000 / floor:.0f} |"
        )

    row("one period due (2026-04-08)", date(2026, 4, 8))
    row("same day again", date(2026, 4, 8))
    ReportingPeriod.objects.update(deadline=date(2027, 1, 15))
    row("four periods due at once (2027-01-08)", date(2027, 1, 8))
    row("same day again", date(2027, 1, 8))

    if not args.keep and not args.sqlite:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            ["psql", database_url("postgres"), "-q", "-c", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'],
            check=True,
        )


if __name__ == "__main__":
    main()
