"""Celery tasks: thin adapters (ids in, one service call). Rendering retries with back-off, then fails visibly."""

import logging
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task

from reports import services

log = logging.getLogger(__name__)

# A failed render is retried MAX_RETRIES times, after RETRY_BACKOFF, 2 × RETRY_BACKOFF, … seconds.
MAX_RETRIES = 1
RETRY_BACKOFF = 20.0
# WeasyPrint on a long report: about 3 s for 14 pages here; the limits leave room and stop a runaway.
SOFT_TIME_LIMIT, TIME_LIMIT = 90, 120
# A render may grow the worker process by this much address space; beyond it, MemoryError (and a retry).
RENDER_MEMORY_BYTES = 1536 * 1024 * 1024


def _in_pool_child() -> bool:
    from billiard.process import current_process

    return current_process().name.startswith("ForkPoolWorker")


def _address_space() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_limit(extra_bytes: int, *, enabled: bool | None = None) -> Iterator[None]:
    """Cap the process's address space at its current size + `extra_bytes` for the duration.

    Only in a prefork pool child (one task at a time per process): a solo worker or an eager task runs
    inside another program (a test run, a web worker) whose memory is not ours to cap.
    """
    if not (_in_pool_child() if enabled is None else enabled):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@shared_task(bind=True, acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT, max_retries=None)
def render_report(self, report_id: int, token: str) -> str:
    """Render report `report_id` for render request `token`; after the last retry the report shows the error.

    Idempotent: a report that is no longer waiting for this token (ready, re-requested, edited) is left alone.
    """
    try:
        with memory_limit(RENDER_MEMORY_BYTES):
            report = services.report_render(report_id=report_id, token=token, attempt=self.request.retries + 1)
    except Exception as error:  # any failure of a render is retried, then reported on the report itself
        log.warning("report %s: render attempt %s failed: %r", report_id, self.request.retries + 1, error)
        if self.request.retries >= MAX_RETRIES:
            services.report_render_failed(
                report_id=report_id, token=token, error=f"{error.__class__.__name__}: {error}"
            )
            return "failed"
        raise self.retry(exc=error, countdown=RETRY_BACKOFF * 2**self.request.retries) from error
    return report.status if report else "skipped"


@shared_task(bind=True, acks_late=True, soft_time_limit=600, time_limit=660, max_retries=None)
def export_report(self, export_id: int) -> str:
    """Write the XLSX of a report (tables and every contribution), updating its progress as it goes."""
    try:
        export = services.export_run(export_id=export_id)
    except Exception as error:
        services.export_failed(export_id=export_id, error=f"{error.__class__.__name__}: {error}")
        raise
    return export.status if export else "skipped"


@shared_task(name="reports.clean_up_exports", acks_late=True)
def clean_up_exports() -> int:
    """Remove the files and rows of exports replaced or failed more than a day ago (beat: every hour)."""
    return services.exports_clean_up()


@shared_task(bind=True, acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT, max_retries=None)
def render_statement(self, statement_id: int) -> str:
    """Render a partner's year statement PDF (one page); retried with back-off."""
    try:
        with memory_limit(RENDER_MEMORY_BYTES):
            statement = services.statement_render(statement_id=statement_id)
    except Exception as error:
        if self.request.retries >= MAX_RETRIES:
            services.statement_render_failed(statement_id=statement_id, error=f"{error.__class__.__name__}: {error}")
            return "failed"
        raise self.retry(exc=error, countdown=RETRY_BACKOFF * 2**self.request.retries) from error
    return "done" if statement else "skipped"
