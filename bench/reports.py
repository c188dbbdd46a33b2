"""Benchmark of the progress report PDF (issue 5): the demo year, and a year with 100,000 approved
contributions. Prints render time and page count for both; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reports.py

Creates its own PostgreSQL database `lifeport_bench_reports` on the server of DATABASE_URL (never touching
any other database), seeds the programme, the demo users, the demo plan and the demo contributions (the demo
year), renders the 2026 report, then bulk-loads 100,000 approved contributions into 2026 (bench/data.py) and
renders it again. Each render is timed in-process as the Celery task does it (report data + charts +
WeasyPrint, PDF/A-3b), best and median of `--rounds`; a trivial signed-in view (/ping) is timed in the same
run as the machine's floor. The database is dropped at the end unless --keep is given.

Goal (issue 5): under 5 seconds at both sizes, with the same page count.
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

DB_NAME = "lifeport_bench_reports"
BULK = 100_000


def _seed_demo_year() -> None:
    from actionlines.demo import seed_demo_plan
    from contributions.demo import seed_demo_contributions, seed_demo_rate_card
    from partners.demo import seed_demo_users
    from partners.services import seed_programme

    seed_programme()
    seed_demo_users()
    seed_demo_rate_card()
    seed_demo_plan()
    seed_demo_contributions()


def _render() -> tuple[float, int, int, float]:
    """One render as the task does it: (seconds, pages, bytes, seconds for the data alone)."""
    from pypdf import PdfReader

    from reports.models import Report
    from reports.selectors import parse_period, report_data
    from reports.services import report_pdf_bytes

    period = parse_period("2026")
    started = time.perf_counter()
    data = report_data(period=period, language="nl")
    data_seconds = time.perf_counter() - started
    draft = Report(
        period_key=period.key,
        period_label=data.period.label,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        version=1,
        language="nl",
        summary="Benchmark.",
    )
    content = report_pdf_bytes(report=draft, data=data)
    seconds = time.perf_counter() - started
    return seconds, len(PdfReader(io.BytesIO(content)).pages), len(content), data_seconds


def _floor_ms(rounds: int = 50) -> float:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="directeur"))
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get("/ping")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _measure(label: str, rounds: int) -> dict:
    from contributions.models import Contribution, Status
    from reports.selectors import parse_period

    period = parse_period("2026")
    approved = Contribution.objects.filter(
        status=Status.APPROVED, date__range=(period.starts_on, period.ends_on)
    ).count()
    results = [_render() for _ in range(rounds)]
    seconds = [r[0] for r in results]
    return {
        "label": label,
        "approved": approved,
        "best_s": min(seconds),
        "median_s": statistics.median(seconds),
        "data_ms": statistics.median(r[3] for r in results) * 1000,
        "pages": results[0][1],
        "bytes": results[0][2],
        "floor_ms": _floor_ms(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = recreate_database(DB_NAME)
    setup_django(url)
    _seed_demo_year()
    _render()  # warm up: imports, fonts, matplotlib's font cache
    rows = [_measure("demo year 2026", args.rounds)]

    from contributions.models import Contribution, Status
    from contributions.services import contributions_bulk_update

    have = Contribution.objects.count()
    bulk_contributions(have + BULK)
    contributions_bulk_update(
        contributions=Contribution.objects.filter(description__startswith="Benchmarkbijdrage"), status=Status.APPROVED
    )
    subprocess.run(["psql", url, "-q", "-c", "VACUUM ANALYZE"], check=True)
    rows.append(_measure(f"demo year + {BULK:,} bulk-loaded approved", args.rounds))

    print(f"\nProgress report 2026 (PDF/A-3b, A4), {args.rounds} renders each, in-process as the Celery task does it")
    print("| data set | approved contributions | best s | median s | data ms | pages | PDF KiB | floor /ping ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['label']} | {row['approved']:,} | {row['best_s']:.2f} | {row['median_s']:.2f} | "
            f"{row['data_ms']:.0f} | {row['pages']} | {row['bytes'] / 1024:.0f} | {row['floor_ms']:.1f} |"
        )
    if not args.keep:
        from django.db import connections

        connections.close_all()
        admin = database_url("postgres")
        subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'], check=True)


if __name__ == "__main__":
    main()
