"""`make bench`: every page and job against a bare signed-in Django view, at growing data sizes.

1. Builds a PostgreSQL database of its own (lifeport_bench) and bulk-loads 1,000, 10,000 and 100,000
   contributions over the seven partners, six lines and the agreement's periods.
2. Serves the app with gunicorn on 127.0.0.1 with production settings (DEBUG off).
3. Measures, in interleaved rounds, each page's latency (median, p95) and throughput, its queries per
   request (in-process, same database), and its ratio to the floor: a trivial signed-in view (/ping).
4. Measures the API (bench/api.py): contributions created per second by a partner system, and the staff
   figures endpoint against the floor.
5. Times the jobs (PDF report, XLSX export as its Celery task body, daily reminders) in-process, and the web
   workers' peak memory; then the daily reminder job for 1,000 representatives (bench/reminders.py, a
   database of its own).
6. Writes bench/results/<stamp>.md and .json and prints the table. Figures only: nothing is asserted.

Options: --sizes 1000,10000,100000  --rounds 25  --port 8765  --no-reminders
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.data import bulk_load, recreate_database, setup_django, signed_in_client  # noqa: E402

DB_NAME = os.environ.get("BENCH_DATABASE", "lifeport_bench")


@dataclass
class Page:
    label: str
    persona: str
    url: str | None  # None: the page is not there (yet)


@dataclass
class Row:
    size: int
    label: str
    median_ms: float | None = None
    p95_ms: float | None = None
    rps: float | None = None
    queries: int | None = None
    ratio: float | None = None
    status: int | None = None
    note: str = ""


@dataclass
class Run:
    started: str
    sizes: list[int]
    rounds: int
    rows: list[Row] = field(default_factory=list)
    jobs: list[dict] = field(default_factory=list)
    peak_worker_rss_mb: float | None = None


def _seed() -> None:
    from django.contrib.auth import get_user_model

    from actionlines.demo import seed_demo_plan
    from contributions.demo import seed_demo_rate_card
    from partners.demo import seed_demo_users
    from partners.services import seed_programme
    from reports.services import report_create

    seed_programme()
    seed_demo_users()
    seed_demo_rate_card()
    seed_demo_plan()
    report_create(period_key="2026", language="nl", acting_user=get_user_model().objects.get(username="directeur"))


def _session_cookie(username: str) -> str:
    """A signed-in (and, for two-factor users, verified) session for `username`."""
    return signed_in_client(username).cookies["sessionid"].value


def _pages() -> list[Page]:
    """The pages to measure; a page whose URL name does not resolve is reported as not built."""
    from django.urls import NoReverseMatch, reverse

    from contributions.models import Contribution
    from partners.models import Partner

    nxp = Partner.objects.get(slug="nxp")
    # A page deep in the list: 2,000 rows in, or as deep as NXP's rows go at the smaller sizes.
    own = Contribution.objects.filter(partner=nxp)
    depth = min(2000, max(0, own.count() - 60))
    deep_pk = own.order_by("-date", "-id").values_list("id", flat=True)[depth : depth + 1]

    def url(name: str, *args, query: str = "") -> str | None:
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    deep = None
    if deep_pk:
        deep_item = Contribution.objects.get(pk=deep_pk[0])
        list_url = url("contributions:list")
        deep = f"{list_url}?after={deep_item.date:%Y-%m-%d}~{deep_item.pk}" if list_url else None
    from actionlines.models import AnnualPlan
    from reports.models import Report

    plan = AnnualPlan.objects.adopted().for_year(2026).first()
    report = Report.objects.filter(period_key="2026").order_by("-version").first()
    return [
        Page("floor: trivial signed-in view", "nxp", url("ping")),
        Page("contribution list, first page", "nxp", url("contributions:list")),
        Page("contribution list, deep page", "nxp", deep),
        Page("review queue", "directeur", url("contributions:queue")),
        Page("dashboard", "directeur", url("reports:dashboard")),
        Page("plan against realisation", "directeur", plan and url("actionlines:plan_realisation", plan.pk)),
        Page("director's overview", "directeur", url("actionlines:overview")),
        Page("report preview, 2026", "directeur", report and url("reports:detail", report.pk)),
        Page("CSV export, own contributions", "nxp", url("contributions:export", query="?format=csv")),
    ]


def _count_queries(page: Page) -> tuple[int | None, int | None]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(page.persona)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url)
    return len(ctx.captured_queries), response.status_code


def _get(conn: http.client.HTTPConnection, url: str, cookie: str) -> tuple[float, int]:
    start = time.perf_counter()
    conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - start) * 1000, response.status


def _throughput(port: int, url: str, cookie: str, threads: int = 3, per_thread: int = 15) -> float:
    def work() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(per_thread):
            _get(conn, url, cookie)
        conn.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return threads * per_thread / (time.perf_counter() - start)


def _start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
        "lifeport.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _worker_peak_rss_mb(master: subprocess.Popen) -> float | None:
    peaks = []
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            status = (pid_dir / "status").read_text()
        except OSError:
            continue
        if f"PPid:\t{master.pid}\n" in status:
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks) if peaks else None


def _timed(label: str, size: int, job) -> dict:
    """Wall-clock seconds, and the CPU seconds of this process (what the job costs, whatever else the machine
    is doing; the database's own work is not in them)."""
    start, cpu = time.perf_counter(), time.process_time()
    note = job()
    return {
        "size": size,
        "job": label,
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "note": note,
    }


def _jobs(size: int) -> list[dict]:
    """The heavy jobs, in-process, each through the same service its Celery task calls."""
    import io
    from datetime import date

    from django.core import mail
    from django.test.utils import override_settings
    from pypdf import PdfReader

    from reminders.services import reminders_run
    from reports.models import Report
    from reports.services import report_build_data, report_pdf_bytes

    def pdf() -> str:
        report = Report.objects.filter(period_key="2026").order_by("-version").first()
        data = report_pdf_bytes(report=report, data=report_build_data(report))
        return f"{len(PdfReader(io.BytesIO(data)).pages)} pages, {len(data) / 1e3:.0f} kB"

    def xlsx() -> str:
        """The report export as the view starts it (services.export_request); tasks run in-process here, so
        this is the Celery task body (services.export_run) over every contribution of the agreement's term.
        Another database connection reads the progress while it runs, as the export's page does."""
        from django.contrib.auth import get_user_model
        from django.db import connection

        from contributions.models import Contribution, Status
        from reports.models import ReportExport
        from reports.services import export_request, report_create

        director = get_user_model().objects.get(username="directeur")
        report = Report.objects.filter(period_key__startswith="agreement").order_by("-version").first()
        report = report or report_create(period_key="agreement", language="nl", acting_user=director)
        expected = Contribution.objects.filter(
            date__range=(report.starts_on, report.ends_on), status=Status.APPROVED
        ).count()
        before = ReportExport.objects.order_by("-id").values_list("id", flat=True).first() or 0
        seen: list[int] = []
        running = threading.Event()
        running.set()

        def watch() -> None:  # the progress page's view of the export, from its own connection
            try:
                while running.is_set():
                    progress = ReportExport.objects.filter(id__gt=before).values_list("progress", flat=True).first()
                    if progress is not None and (not seen or seen[-1] != progress):
                        seen.append(progress)
                    time.sleep(0.2)
            finally:
                connection.close()

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            export = export_request(report=report, acting_user=director)
        finally:
            running.clear()
            watcher.join()
        export.refresh_from_db()
        megabytes = export.file.size / 1e6 if export.file else 0
        export.file.delete(save=False)  # keep the media folder clean
        match = "" if export.rows == expected else f" (EXPECTED {expected:,})"
        shown = [f"{p} %" for p in seen] if len(seen) <= 6 else [f"{p} %" for p in seen[:3]] + ["…", f"{seen[-1]} %"]
        return (
            f"{export.rows:,} rows{match}: the approved ones of {Contribution.objects.count():,} contributions, "
            f"{megabytes:.1f} MB, {export.status}; progress on the page while running: {' → '.join(shown) or '–'} "
            f"({len(seen)} distinct readings), then {export.progress} %"
        )

    def reminders() -> str:
        from reminders.models import Reminder

        Reminder.objects.all().delete()  # each size sends the day's reminders afresh
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            claimed = len(reminders_run(day=date(2026, 4, 8)).claimed)
            return f"{claimed} reminders, {len(mail.outbox)} e-mails (8 April 2026)"

    def xlsx_all() -> str:
        from contributions.exports import export_xlsx
        from contributions.figures import totals
        from contributions.models import Contribution

        with export_xlsx(Contribution.objects.all(), totals=totals(by=("status",))) as file:
            megabytes = file.seek(0, 2) / 1e6
        return f"{Contribution.objects.count():,} rows, {megabytes:.1f} MB (contributions.exports.export_xlsx)"

    def import_rows() -> str:
        """A 10,000-row XLSX through the import's two Celery task bodies (check, then import), rolled back."""
        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction
        from openpyxl import Workbook

        from contributions import imports
        from partners.models import Partner

        workbook = Workbook()
        workbook.active.append(["Datum", "Actielijn", "Soort", "Uren", "Bedrag", "Omschrijving"])
        for i in range(10_000):
            workbook.active.append([date(2026, 1 + i % 10, 1 + i % 28), "Talent", "Uren", 1 + i % 40, None, f"Rij {i}"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        rep = get_user_model().objects.get(username="nxp")
        with transaction.atomic():
            job = imports.import_job_create(
                partner=Partner.objects.get(slug="nxp"),
                acting_user=rep,
                upload=SimpleUploadedFile("bench.xlsx", buffer.getvalue()),
            )
            started = time.perf_counter()
            job = imports.import_job_check(job_id=job.pk)
            checked = time.perf_counter() - started
            imports.import_job_confirm(job=job, acting_user=rep)
            job = imports.contributions_import(job_id=job.pk)
            imported = time.perf_counter() - started - checked
            transaction.set_rollback(True)
        return (
            f"check {checked:.1f} s, import {imported:.1f} s: {job.imported_count:,} rows {job.status} "
            f"({job.error_count} problems; rolled back afterwards)"
        )

    return [
        _timed("import of a 10,000-row XLSX (check and import task bodies)", size, import_rows),
        _timed("PDF report, year 2026 (render)", size, pdf),
        _timed("XLSX export of a report over the agreement's term (Celery task body, with progress)", size, xlsx),
        _timed("XLSX export of every contribution (the list's Excel download, all partners)", size, xlsx_all),
        _timed("daily reminder job (eager tasks)", size, reminders),
    ]


def _reminder_jobs() -> list[dict]:
    """The daily reminder job for 1,000 representatives (bench/reminders.py, in a database of its own: its
    250 extra partners would change the pages measured above), as rows of the jobs table."""
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "bench" / "reminders.py")],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", "")},
        capture_output=True,
        text=True,
        check=True,
    )
    jobs = []
    for line in result.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].startswith(("one period", "four periods")):
            label, claimed, sent, seconds = cells[0], cells[1], cells[2], float(cells[3])
            jobs.append(
                {
                    "size": "1,000 representatives",
                    "job": f"daily reminder job, {label}",
                    "seconds": seconds,
                    "note": f"{int(claimed):,} reminders, {int(sent):,} e-mails (eager tasks, PostgreSQL)",
                }
            )
    return jobs


def _fmt(value: float | int | None, places: int = 1) -> str:
    return "–" if value is None else (f"{value:.{places}f}" if isinstance(value, float) else str(value))


def _table(run: Run) -> str:
    lines = [
        f"# Lifeport Regie benchmark, {run.started}",
        "",
        f"{run.rounds} interleaved rounds per size; 3 gunicorn workers on PostgreSQL; ratio = median / floor median "
        "of the same run. Every page is computed on every request (no page cache). Queries: per request, "
        "in-process on the same database.",
        "",
        "| contributions | page | median ms | p95 ms | req/s (3 clients) | queries | × floor | note |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in run.rows:
        lines.append(
            f"| {row.size:,} | {row.label} | {_fmt(row.median_ms)} | {_fmt(row.p95_ms)} | {_fmt(row.rps)} | "
            f"{_fmt(row.queries)} | {_fmt(row.ratio, 2)} | {row.note} |"
        )
    if run.jobs:
        lines += [
            "",
            "| contributions | job | seconds | CPU seconds (this process) | note |",
            "| ---: | --- | ---: | ---: | --- |",
        ]
        for job in run.jobs:
            size = f"{job['size']:,}" if isinstance(job["size"], int) else job["size"]
            cpu = _fmt(job.get("cpu_seconds"), 2)
            lines.append(f"| {size} | {job['job']} | {_fmt(job['seconds'], 2)} | {cpu} | {job['note']} |")
    lines += ["", f"Peak memory of a web worker: {_fmt(run.peak_worker_rss_mb)} MB"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--no-reminders", dest="reminders", action="store_false", help="skip the 1,000-representative reminder job"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url = recreate_database(DB_NAME)
    setup_django(url)
    _seed()
    run = Run(started=datetime.now(UTC).isoformat(timespec="seconds"), sizes=sizes, rounds=args.rounds)
    from bench.api import SERVER_ENV
    from bench.api import measure as measure_api

    server = _start_gunicorn(args.port, {**os.environ, **SERVER_ENV})
    try:
        for size in sizes:
            t0 = time.perf_counter()
            added = bulk_load(size)
            print(f"{size:,} contributions (+{added:,} in {time.perf_counter() - t0:.1f} s)", flush=True)
            pages = _pages()
            cookies = {p.persona: _session_cookie(p.persona) for p in pages}
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
            timings: dict[str, list[float]] = {p.label: [] for p in pages}
            statuses: dict[str, int] = {}
            for page in pages:  # warm-up
                if page.url:
                    _get(conn, page.url, cookies[page.persona])
            for _round in range(args.rounds):
                for page in pages:
                    if page.url:
                        ms, status = _get(conn, page.url, cookies[page.persona])
                        timings[page.label].append(ms)
                        statuses[page.label] = status
            floor_samples = timings[pages[0].label]
            floor = statistics.median(floor_samples) if floor_samples else None
            for page in pages:
                row = Row(size=size, label=page.label)
                if not page.url:
                    row.note = "not built"
                else:
                    samples = sorted(timings[page.label])
                    row.median_ms = statistics.median(samples)
                    row.p95_ms = samples[max(0, int(len(samples) * 0.95) - 1)]
                    row.status = statuses[page.label]
                    row.queries, _status = _count_queries(page)
                    row.rps = _throughput(args.port, page.url, cookies[page.persona])
                    row.ratio = row.median_ms / floor if floor else None
                    if row.status != 200:
                        row.note = f"HTTP {row.status}"
                run.rows.append(row)
            api_rows, api_jobs = measure_api(port=args.port, size=size, rounds=args.rounds)
            run.rows += [
                Row(
                    size=r["size"],
                    label=r["label"],
                    median_ms=r["median_ms"],
                    p95_ms=r["p95_ms"],
                    ratio=r["ratio"],
                    status=r["status"],
                )
                for r in api_rows
            ]
            run.jobs += api_jobs
            run.jobs += _jobs(size)
        run.peak_worker_rss_mb = _worker_peak_rss_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    if args.reminders:
        run.jobs += _reminder_jobs()

    table = _table(run)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stamp}.md").write_text(table + "\n")
    (out / f"{stamp}.json").write_text(json.dumps(asdict(run), indent=2, default=str))
    (out / "latest.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
