"""The import through a real Celery worker on Redis: the upload is checked by one task, the confirmed rows are
written by another, with progress on the page; 10,000 rows, all or nothing."""

import time
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from contributions import imports
from contributions.models import Contribution, HourlyRate, ImportJob, ImportStatus
from contributions.tasks import IMPORT_SOFT_TIME_LIMIT
from tests.contributions.test_imports import DUTCH, good_rows, xlsx
from tests.reminders.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_10000_row_file_is_checked_and_imported_by_the_worker_with_progress_on_the_page(
    celery_worker, client, nxp, nxp_rep
):
    HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))
    data = xlsx([DUTCH, *good_rows(10_000)])
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        client.force_login(nxp_rep)
        started = time.perf_counter()
        response = client.post("/bijdragen/importeren/", {"file": SimpleUploadedFile("groot.xlsx", data)})
        job = ImportJob.objects.get()
        assert response["Location"] == job.get_absolute_url()
        wait_for(lambda: ImportJob.objects.get().status == ImportStatus.READY, timeout=IMPORT_SOFT_TIME_LIMIT)
        checked = time.perf_counter() - started
        page = client.get(job.get_absolute_url()).content.decode()
        assert "Alle 10000 regels zijn goed" in page and "10000 bijdragen importeren" in page

        started = time.perf_counter()
        assert client.post(job.get_absolute_url(), {"confirm": ""}).status_code == 302
        seen = set()
        while ImportJob.objects.get().status == ImportStatus.IMPORTING:
            fragment = client.get(f"{job.get_absolute_url()}voortgang/")
            seen.add(imports.job_progress(ImportJob.objects.get()))
            assert fragment.status_code == 200
            assert time.perf_counter() - started < IMPORT_SOFT_TIME_LIMIT
            time.sleep(0.2)
        imported = time.perf_counter() - started
    job.refresh_from_db()
    print(
        f"10,000 rows: checked in {checked:.1f} s, imported in {imported:.1f} s; progress seen: {sorted(seen - {None})}"
    )
    assert job.status == ImportStatus.DONE and job.imported_count == 10_000
    assert Contribution.objects.filter(partner=nxp, created_by=nxp_rep).count() == 10_000
    assert Contribution.history.count() == 10_000
    assert any(percent for percent in seen if percent), "the page saw no progress while the rows were written"
