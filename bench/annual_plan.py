"""Benchmark of the annual plan (issue 4): the plan PDF (rendered in the request), the plan pages and the
director's overview, against a trivial signed-in view (/ping) measured interleaved in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/annual_plan.py

Creates its own PostgreSQL database `lifeport_bench_plan` (never touching any other), seeds the programme,
the demo users, the demo contributions and the adopted demo plan, then requests each URL `--rounds` times
through Django's test client as the director (in-process, same database), interleaved with /ping. Then
bulk-loads 100,000 contributions into 2026 (bench/data.py) and measures again: the plan figures must not
grow with the number of contributions. Prints median and best per URL, queries per request and the ratio to
/ping; asserts nothing. The database is dropped at the end unless --keep is given.

Goal (issue 4): the demo plan's PDF in under 5 seconds.
"""

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.data import bulk_contributions, database_url, recreate_database, setup_django  # noqa: E402

DB_NAME = "lifeport_bench_plan"
BULK = 100_000


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.conftest import verify_second_factor

    client = Client()
    user = get_user_model().objects.get(username="directeur")
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def _time(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
    return seconds, len(queries), response.status_code


def _measure(label: str, urls: dict[str, str], rounds: int) -> list[dict]:
    client = _client()
    for url in urls.values():  # warm-up: imports, fonts, template caches
        client.get(url)
    times: dict[str, list[float]] = {name: [] for name in ["/ping", *urls]}
    queries: dict[str, int] = {}
    status: dict[str, int] = {}
    for _ in range(rounds):
        for name, url in [("/ping", "/ping"), *urls.items()]:
            seconds, count, code = _time(client, url)
            times[name].append(seconds)
            queries[name], status[name] = count, code
    floor = statistics.median(times["/ping"])
    return [
        {
            "data": label,
            "page": name,
            "median_ms": statistics.median(values) * 1000,
            "best_ms": min(values) * 1000,
            "ratio": statistics.median(values) / floor,
            "queries": queries[name],
            "status": status[name],
        }
        for name, values in times.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = recreate_database(DB_NAME)
    setup_django(url)
    import time_machine

    from actionlines.demo import seed_demo_plan
    from contributions.demo import seed_demo_contributions, seed_demo_rate_card
    from contributions.models import Contribution
    from partners.demo import seed_demo_users
    from partners.services import seed_programme

    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        seed_programme()
        seed_demo_users()
        seed_demo_rate_card()
        seed_demo_contributions()
        plan = seed_demo_plan()
        urls = {
            "plan XLSX": f"/actielijnen/jaarplan/{plan.pk}/jaarplan.xlsx",
            "plan page": plan.get_absolute_url(),
            "plan against realisation": f"/actielijnen/jaarplan/{plan.pk}/realisatie/",
            "director's overview": "/actielijnen/overzicht/",
        }
        rows = _measure(f"demo ({Contribution.objects.count():,} contributions)", urls, args.rounds)
        bulk_contributions(Contribution.objects.count() + BULK)
        subprocess.run(["psql", url, "-q", "-c", "VACUUM ANALYZE"], check=True)
        rows += _measure(f"demo + {BULK:,} bulk-loaded", urls, args.rounds)

        from pypdf import PdfReader

        from actionlines.exports import plan_pdf_html
        from lifeport.lib.pdf import html_to_pdf

        started = time.perf_counter()
        html = plan_pdf_html(plan)  # what asking for the PDF costs the request (its fingerprint)
        html_ms = (time.perf_counter() - started) * 1000
        pdf = html_to_pdf(html)  # what the worker then does
        pdf_s = time.perf_counter() - started - html_ms / 1000
        pages = len(PdfReader(io.BytesIO(pdf)).pages)

    print(f"\nAnnual plan 2026 (demo), {args.rounds} interleaved rounds, in-process test client as the director")
    print(
        f"The PDF: A4, PDF/A-3b, {pages} pages, {len(pdf) // 1024} KiB; its HTML {html_ms:.0f} ms (in the request), "
        f"the PDF {pdf_s:.1f} s (in the worker)"
    )
    print("| data | page | median ms | best ms | × /ping | queries | status |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['data']} | {row['page']} | {row['median_ms']:.0f} | {row['best_ms']:.0f} | "
            f"{row['ratio']:.1f} | {row['queries']} | {row['status']} |"
        )
    if not args.keep:
        from django.db import connections

        connections.close_all()
        admin = database_url("postgres")
        subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'], check=True)


if __name__ == "__main__":
    main()
