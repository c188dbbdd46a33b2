"""`make backup` and `make restore` on PostgreSQL: a restore into a fresh database finds everything again."""

import hashlib
import json
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from contributions.models import Contribution, Evidence
from contributions.services import evidence_add
from lifeport.backups import BackupError, backup_check
from tests.contributions.conftest import PNG, tiny_pdf
from tests.factories import ContributionFactory


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _make(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media)}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fresh_database():
    name = f"lifeport_restore_{uuid.uuid4().hex[:8]}"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_every_contribution_and_evidence_file(
    nxp, asmpt, nxp_rep, tmp_path, fresh_database
):
    if connection.vendor != "postgresql":
        pytest.fail("The backup test needs PostgreSQL: set DATABASE_URL=postgres://...")
    items = [ContributionFactory(partner=p, created_by=nxp_rep) for p in (nxp, nxp, asmpt)]
    items += [ContributionFactory(partner=nxp, approved=True, description="Goedgekeurd: cleanroomuren")]
    for item, (name, content) in zip(items[:2], [("urenstaat.pdf", tiny_pdf()), ("foto.png", PNG)], strict=True):
        evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile(name, content))
    expected_rows = sorted(Contribution.objects.values_list("id", "partner_id", "status", "description", "value"))
    media = Path(settings.MEDIA_ROOT)
    expected_files = {e.file.name: _digest(media / e.file.name) for e in Evidence.objects.all()}
    assert len(expected_files) == 2

    backup_dir = tmp_path / "backups"
    made = _make("backup", f"BACKUP_DIR={backup_dir}", database=connection.settings_dict["NAME"], media=media)
    assert made.returncode == 0, made.stderr
    (folder,) = backup_dir.iterdir()
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    restored_media = tmp_path / "restored-media"
    done = _make("restore", f"BACKUP={folder}", "CONFIRM=yes", database=fresh_database, media=restored_media)
    assert done.returncode == 0, done.stderr

    with psycopg.connect(_url(fresh_database)) as conn:
        rows = conn.execute(
            "SELECT id, partner_id, status, description, value FROM contributions_contribution ORDER BY id"
        ).fetchall()
        files = [r[0] for r in conn.execute("SELECT file FROM contributions_evidence").fetchall()]
    assert sorted(rows) == expected_rows
    assert {name: _digest(restored_media / name) for name in files} == expected_files


def test_make_restore_without_a_folder_explains_itself():
    result = subprocess.run(["make", "restore"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Usage: make restore BACKUP=" in result.stdout


def test_a_damaged_backup_is_refused_before_anything_is_replaced(tmp_path):
    folder = tmp_path / "2026-11-28_020000"
    (folder / "media").mkdir(parents=True)
    (folder / "database.dump").write_bytes(b"PGDMP original")
    checksum = hashlib.sha256(b"PGDMP original").hexdigest()
    manifest = {
        "created_at": "2026-11-28T02:00:00+01:00",
        "database": "postgresql",
        "files": {"database.dump": checksum},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert backup_check(folder)["database"] == "postgresql"
    (folder / "database.dump").write_bytes(b"PGDMP truncat")
    with pytest.raises(BackupError, match="database.dump is missing or damaged"):
        backup_check(folder)
