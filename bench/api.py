"""The API's part of `make bench`: contributions created per second through the API, and the staff figures
endpoint's latency against the floor (a trivial signed-in view, /ping) in the same run.

    .venv/bin/python bench/api.py --size 1000          # a database of its own (lifeport_bench_api)

bench/harness.py calls `measure()` at each of its sizes against its own gunicorn (3 workers). Creating: a
partner system (NXP's write token) POSTs `--posts` contributions (1,000) from 3 client threads, each with an
Idempotency-Key, through the same service as the form; the rows are removed afterwards (through the service),
so the sizes stay as loaded. Figures: GET /api/v1/figures with a staff token, interleaved with /ping.
Prints figures; asserts nothing.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.data import bulk_load, recreate_database, setup_django, signed_in_client  # noqa: E402

DB_NAME = "lifeport_bench_api"
# The API's throttles are set out of the way for the server the benchmark starts.
SERVER_ENV = {"API_THROTTLE_TOKEN": "1000000/min", "API_THROTTLE_ADDRESS": "1000000/min"}


def _tokens() -> tuple[str, str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from api.services import api_token_issue
    from partners.models import Partner

    office = get_user_model().objects.get(username="bureau")
    expires = timezone.now() + timedelta(days=1)
    _write, write_key = api_token_issue(
        name="Bench NXP", partner=Partner.objects.get(slug="nxp"), scope="write", expires_at=expires, acting_user=office
    )
    _read, staff_key = api_token_issue(
        name="Bench bureau", partner=None, scope="read", expires_at=expires, acting_user=office
    )
    return write_key, staff_key


def _request(conn, method: str, url: str, headers: dict, body: bytes | None = None) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn.request(method, url, body=body, headers={"Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    content = response.read()
    return (time.perf_counter() - started) * 1000, response.status, content


def _create(port: int, key: str, posts: int, threads: int = 3) -> tuple[float, int, list[int]]:
    """POST `posts` draft contributions from `threads` clients; returns seconds, created, and their ids."""
    from django.utils import timezone

    day = min(timezone.localdate(), timezone.localdate().replace(day=1)).isoformat()
    ids: list[int] = []
    failures: list[int] = []
    lock = threading.Lock()

    def work(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for n in range(offset, posts, threads):
            body = json.dumps(
                {"action_line": "talent", "kind": "staff_hours", "date": day, "description": f"Bench {n}", "hours": "4"}
            ).encode()
            headers = {
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"bench-{n}",
            }
            _ms, status, content = _request(conn, "POST", "/api/v1/contributions", headers, body)
            with lock:
                (ids.append(json.loads(content)["id"]) if status == 201 else failures.append(status))
        conn.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    if failures:
        print(f"  {len(failures)} POSTs failed: {sorted(set(failures))}", flush=True)
    return seconds, len(ids), ids


def _remove(ids: list[int]) -> None:
    from django.contrib.auth import get_user_model

    from contributions.models import Contribution
    from contributions.services import contribution_delete

    user = get_user_model().objects.get(username__startswith="api-", api_token__name="Bench NXP")
    for contribution in Contribution.objects.filter(pk__in=ids):
        contribution_delete(contribution=contribution, acting_user=user)


def measure(*, port: int, size: int, rounds: int = 25, posts: int = 1000) -> tuple[list[dict], list[dict]]:
    """(rows, jobs) for the harness's tables: the figures endpoint against the floor, and the creation rate."""
    write_key, staff_key = _tokens()
    cookie = signed_in_client("directeur").cookies["sessionid"].value
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    floor, figures = [], []
    staff = {"Authorization": f"Bearer {staff_key}"}
    _request(conn, "GET", "/api/v1/figures", staff)
    for _round in range(rounds):
        floor.append(_request(conn, "GET", "/ping", {"Cookie": f"sessionid={cookie}"})[0])
        ms, status, _content = _request(conn, "GET", "/api/v1/figures", staff)
        figures.append(ms)
    floor_ms, figures_ms = statistics.median(floor), statistics.median(figures)
    seconds, created, ids = _create(port, write_key, posts)
    _remove(ids)
    rows = [
        {
            "size": size,
            "label": "API: staff figures (GET /api/v1/figures)",
            "median_ms": figures_ms,
            "p95_ms": sorted(figures)[max(0, int(len(figures) * 0.95) - 1)],
            "ratio": figures_ms / floor_ms,
            "status": status,
            "floor_ms": floor_ms,
        }
    ]
    jobs = [
        {
            "size": size,
            "job": f"API: {posts:,} contributions POSTed by a partner system (3 clients, Idempotency-Key)",
            "seconds": round(seconds, 2),
            "note": f"{created:,} created, {created / seconds:.0f} per second (goal: 1,000 in under 10 s)",
        }
    ]
    return rows, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    from bench.harness import _seed, _start_gunicorn

    url = recreate_database(DB_NAME)
    setup_django(url)
    _seed()
    started = time.perf_counter()
    added = bulk_load(args.size)
    print(f"{added:,} contributions loaded in {time.perf_counter() - started:.1f} s", flush=True)
    server = _start_gunicorn(args.port, {**os.environ, **SERVER_ENV})
    try:
        rows, jobs = measure(port=args.port, size=args.size, rounds=args.rounds, posts=args.posts)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    for row in rows:
        print(
            f"{row['size']:,} contributions | {row['label']} | median {row['median_ms']:.1f} ms | "
            f"p95 {row['p95_ms']:.1f} ms | floor {row['floor_ms']:.1f} ms | × floor {row['ratio']:.2f}"
        )
    for job in jobs:
        print(f"{job['size']:,} contributions | {job['job']} | {job['seconds']:.2f} s | {job['note']}")


if __name__ == "__main__":
    main()
