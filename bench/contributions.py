"""Benchmark of the contribution pages at 1,000 and 100,000 contributions (issue 3). Prints figures; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/contributions.py

Creates its own PostgreSQL database `lifeport_bench` on the server of DATABASE_URL (never touching any other
database), bulk-loads the contributions with bulk_create (bench/data.py), and measures in-process with
Django's test Client, signed in: the representative's list (first page of 50, and a deep keyset page),
the director's review queue, and a trivial signed-in view (/ping) as the floor. Requests are interleaved
(one of each page per round) so machine noise hits every page alike. For each page: the median over
`--rounds` requests, the ratio to the floor, and the number of queries of one request. The database is
dropped at the end unless --keep is given.

Goal (issue 3): the same query count at both sizes, and the 100,000-row median at most twice the 1,000-row one.
"growth" compares the medians; "(× floor)" compares the ratios to the floor, which cancels the machine's
load changing between the two sizes (on a shared machine the floor itself can move by 2× or more).
"""

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
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

DB_NAME = "lifeport_bench"


@dataclass
class Page:
    label: str
    username: str
    url: str


@dataclass
class Figure:
    size: int
    page: Page
    median_ms: float
    queries: int
    status: int
    ratio: float = 0.0


def _seed() -> None:
    from contributions.demo import seed_demo_rate_card
    from partners.demo import seed_demo_users
    from partners.services import seed_programme

    seed_programme()
    seed_demo_users()
    seed_demo_rate_card()


def _pages() -> list[Page]:
    from django.urls import reverse

    from contributions.models import Contribution
    from partners.models import Partner

    nxp = Partner.objects.get(slug="nxp")
    list_url = reverse("contributions:list")
    pages = [
        Page("floor: trivial signed-in view", "nxp", reverse("ping")),
        Page("representative's list, first 50", "nxp", list_url),
    ]
    # A full page deep in the list (after row 2,000, or the last full page), reached by keyset, not OFFSET.
    mine = Contribution.objects.filter(partner=nxp).order_by("-date", "-id")
    deep = mine[max(0, min(2000, mine.count() - 51))]
    pages.append(Page("representative's list, deep page", "nxp", f"{list_url}?after={deep.date:%Y-%m-%d}~{deep.pk}"))
    pages.append(Page("director's review queue", "directeur", reverse("contributions:queue")))
    return pages


def _measure(size: int, rounds: int) -> list[Figure]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = _pages()
    clients = {page.username: signed_in_client(page.username) for page in pages}
    for page in pages:  # warm-up: templates, caches, the connection
        clients[page.username].get(page.url)
    timings: dict[str, list[float]] = {page.label: [] for page in pages}
    statuses: dict[str, int] = {}
    for _round in range(rounds):
        for page in pages:
            start = time.perf_counter()
            response = clients[page.username].get(page.url)
            timings[page.label].append((time.perf_counter() - start) * 1000)
            statuses[page.label] = response.status_code
    figures = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            clients[page.username].get(page.url)
        figures.append(Figure(size, page, statistics.median(timings[page.label]), len(queries), statuses[page.label]))
    floor = figures[0].median_ms
    for figure in figures:
        figure.ratio = figure.median_ms / floor
    return figures


def _explain() -> None:
    """The plans of the two list queries at the largest size, for the record."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from contributions.permissions import contributions_visible_to
    from contributions.selectors import contributions_filtered, review_queue, with_evidence_count
    from partners.models import Partner

    nxp = Partner.objects.get(slug="nxp")
    rep = get_user_model().objects.get(username="nxp")
    rows = with_evidence_count(contributions_filtered(queryset=contributions_visible_to(rep), partner=nxp))[:51]
    for label, qs in (("list, first page", rows), ("review queue, first page", review_queue()[:51])):
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
            plan = [line for (line,) in cursor.fetchall()]
        print(f"\nEXPLAIN {label}:")
        print("\n".join(f"  {line}" for line in plan))


def _print(figures: list[Figure], sizes: list[int], rounds: int) -> None:
    print(f"\nMedian of {rounds} interleaved requests (Django test Client, in-process, PostgreSQL)\n")
    print(f"{'page':<36} " + " ".join(f"{f'{s:,} rows':>26}" for s in sizes) + f"  {'growth':>7}  {'(× floor)':>9}")
    print(f"{'':<36} " + " ".join(f"{'ms  (× floor)  queries':>26}" for _ in sizes))
    labels = list(dict.fromkeys(f.page.label for f in figures))
    for label in labels:
        cells, medians = [], []
        for size in sizes:
            figure = next(f for f in figures if f.page.label == label and f.size == size)
            note = "" if figure.status == 200 else f" HTTP {figure.status}"
            cells.append(f"{figure.median_ms:7.1f}  (×{figure.ratio:5.2f}) {figure.queries:6d}{note}")
            medians.append(figure.median_ms)
        growth = f"×{medians[-1] / medians[0]:.2f}" if len(medians) > 1 else ""
        ratios = [next(f.ratio for f in figures if f.page.label == label and f.size == s) for s in sizes]
        relative = f"×{ratios[-1] / ratios[0]:.2f}" if len(ratios) > 1 else ""
        print(f"{label:<36} " + " ".join(f"{c:>26}" for c in cells) + f"  {growth:>7}  {relative:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000", help="contribution counts, ascending (default 1000,100000)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help=f"keep the {DB_NAME} database afterwards")
    parser.add_argument("--explain", action="store_true", help="print the query plans at the largest size")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    url = recreate_database(DB_NAME)
    try:
        setup_django(url)
        _seed()
        figures: list[Figure] = []
        for size in sizes:
            start = time.perf_counter()
            added = bulk_load(size)
            seconds = time.perf_counter() - start
            print(f"{size:,} contributions (+{added:,} in {seconds:.1f} s, bulk_create)", flush=True)
            figures += _measure(size, args.rounds)
        _print(figures, sizes, args.rounds)
        if args.explain:
            _explain()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin = database_url("postgres")
            subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'], check=True)


if __name__ == "__main__":
    main()
