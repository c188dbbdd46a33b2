"""Media through the storage API only, on either backend (LIFEPORT_TEST_MEDIA=s3: a real S3-compatible server)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from lifeport.lib.files import FileTooLarge, sha256_of_file, stored_names, write_file_atomically
from tests.conftest import TEST_MEDIA

APP_PACKAGES = ["accounts", "actionlines", "audit", "contributions", "lifeport", "partners", "reminders", "reports"]


def test_the_tests_run_on_the_backend_asked_for():
    from django.core.files.storage import storages

    expected = "S3Storage" if TEST_MEDIA == "s3" else "FileSystemStorage"
    assert type(storages["default"]).__name__ == expected


def test_app_code_reaches_media_only_through_the_storage_api():
    offenders = []
    for package in APP_PACKAGES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            text = path.read_text()
            for needle in (".path(", "MEDIA_ROOT"):
                if needle in text and not (path.name == "health.py" and needle == "MEDIA_ROOT"):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {needle}")
    assert offenders == [], "media through the storage API only (lifeport/lib/files.py)"


def test_a_file_is_written_whole_under_a_free_name_and_read_back():
    first = write_file_atomically(name="reports/2026/report.pdf", content=b"%PDF-1.7 first")
    second = write_file_atomically(name="reports/2026/report.pdf", content=b"%PDF-1.7 second")
    assert first == "reports/2026/report.pdf" and second != first and second.startswith("reports/2026/report")
    with default_storage.open(second, "rb") as handle:
        assert handle.read() == b"%PDF-1.7 second"
    assert sorted(stored_names("reports")) == sorted([first, second])
    assert len(sha256_of_file(first)) == 64


def test_a_stream_is_saved_in_chunks_and_refused_beyond_its_bound():
    data = bytes(range(256)) * 1024  # 256 KiB: several chunks
    name = write_file_atomically(name="exports/big.bin", content=io.BytesIO(data), max_bytes=len(data))
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == data
    with pytest.raises(FileTooLarge):
        write_file_atomically(name="exports/too-big.bin", content=io.BytesIO(data), max_bytes=len(data) - 1)
    assert list(stored_names("exports")) == [name]  # the refused file left nothing behind
