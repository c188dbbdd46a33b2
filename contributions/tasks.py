"""Celery tasks of the contributions import: thin adapters (a job id in, one service call).

Both claim their job (a conditional update, a row lock), so a redelivered task does nothing twice. On their
soft time limit the job shows that it was stopped and nothing was imported; the hard limit ends the process.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from contributions import imports

log = logging.getLogger(__name__)

# Checking 10,000 rows takes a few seconds here; importing them about as long. The limits stop a runaway.
CHECK_SOFT_TIME_LIMIT, CHECK_TIME_LIMIT = 120, 150
IMPORT_SOFT_TIME_LIMIT, IMPORT_TIME_LIMIT = 120, 150


@shared_task(acks_late=True, soft_time_limit=CHECK_SOFT_TIME_LIMIT, time_limit=CHECK_TIME_LIMIT)
def check_import(job_id: int) -> str:
    """Read and check an uploaded file once; the job keeps the result for its preview page."""
    try:
        job = imports.import_job_check(job_id=job_id)
    except SoftTimeLimitExceeded:
        log.warning("import %s: the check hit its time limit", job_id)
        imports.import_job_failed(job_id=job_id, timed_out=True)
        return "failed"
    except Exception:
        imports.import_job_failed(job_id=job_id)
        raise
    return job.status if job else "skipped"


@shared_task(bind=True, acks_late=True, soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT)
def import_contributions(self, job_id: int) -> str:
    """Import a confirmed job's rows, all or nothing, reporting progress through the result backend
    (the rows are written in one transaction, so the job row itself changes only at the end)."""

    def progress(done: int, total: int) -> None:
        if not self.request.is_eager and self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    try:
        job = imports.contributions_import(job_id=job_id, progress=progress)
    except SoftTimeLimitExceeded:
        log.warning("import %s: the import hit its time limit; rolled back", job_id)
        imports.import_job_failed(job_id=job_id, timed_out=True)
        return "failed"
    except Exception:
        imports.import_job_failed(job_id=job_id)
        raise
    return job.status if job else "skipped"


@shared_task
def delete_old_imports() -> int:
    """Hourly: forget import jobs (and their files) started more than a day ago."""
    return imports.import_jobs_delete_old()
