"""Benchmark of the pages whose totals come from ContributionSummary: the dashboard, plan against realisation,
the director's overview and the report preview, against a trivial signed-in view (/ping) in the same run.

    .venv/bin/python bench/summaries.py --build      # (re)create lifeport_bench_summ with 100,000 contributions
    .venv/bin/python bench/summaries.py              # time the pages on it (in-process, Django's test client)

--build drops and creates the PostgreSQL database `lifeport_bench_summ` (never another), seeds the programme,
the demo users, rate card and plan and a 2026 report (bench.harness._seed), bulk-loads the contributions
(bench.data.bulk_load, with workflow timestamps). Timing: each page `--rounds` times, interleaved
with /ping; per page the median and best, the queries per request and the median time they spent in SQL, and
the ratio to /ping. Then the 2026 PDF report render (as bench.harness._jobs). Prints figures; asserts nothing.
"""

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.data import (  # noqa: E402
    bulk_load,
    database_url,
    recreate_database,
    setup_django,
    signed_in_client,
)

DB_NAME = "lifeport_bench_summ"
LABELS = (
    "floor: trivial signed-in view",
    "dashboard",
    "plan against realisation",
    "director's overview",
    "report preview, 2026",
)


def build(size: int) -> None:
    from bench.harness import _seed

    url = recreate_database(DB_NAME)
    setup_django(url)
    _seed()
    started = time.perf_counter()
    added = bulk_load(size)
    print(f"{added:,} contributions loaded in {time.perf_counter() - started:.1f} s", flush=True)


def _once(client, url: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    return seconds * 1000, sql * 1000, len(queries), response.status_code


def measure(rounds: int) -> None:
    from bench.harness import _pages
    from contributions.models import Contribution, ContributionSummary

    pages = [p for p in _pages() if p.label in LABELS and p.url]
    clients = {p.persona: signed_in_client(p.persona) for p in pages}
    for page in pages:  # warm-up: imports, template and font caches
        clients[page.persona].get(page.url)
    times: dict[str, list[tuple[float, float, int, int]]] = {p.label: [] for p in pages}
    for _round in range(rounds):
        for page in pages:
            times[page.label].append(_once(clients[page.persona], page.url))
    floor = statistics.median(t[0] for t in times[LABELS[0]])
    print(
        f"\n{Contribution.objects.count():,} contributions, {ContributionSummary.objects.count():,} summary rows; "
        f"{rounds} interleaved rounds, in-process\n"
    )
    print(f"| page | median ms | best ms | SQL ms (median) | queries | × floor | HTTP |\n| --- |{' ---: |' * 6}")
    for page in pages:
        rows = times[page.label]
        median = statistics.median(r[0] for r in rows)
        print(
            f"| {page.label} | {median:.1f} | {min(r[0] for r in rows):.1f} | "
            f"{statistics.median(r[1] for r in rows):.1f} | {rows[-1][2]} | {median / floor:.1f} | {rows[-1][3]} |"
        )


def pdf(times: int) -> None:
    import io

    from pypdf import PdfReader

    from reports.models import Report
    from reports.services import report_build_data, report_pdf_bytes

    report = Report.objects.filter(period_key="2026").order_by("-version").first()
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        data = report_pdf_bytes(report=report, data=report_build_data(report))
        seconds.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"\nPDF report 2026 (render): median {statistics.median(seconds):.2f} s of {times}, {pages} pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="recreate the database and load the contributions")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--pdf", type=int, default=3, help="PDF renders to time (0: none)")
    args = parser.parse_args()
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "findfont" once per chart label
    if args.build:
        build(args.size)
    else:
        setup_django(database_url(DB_NAME))
    measure(args.rounds)
    if args.pdf:
        pdf(args.pdf)


if __name__ == "__main__":
    main()
