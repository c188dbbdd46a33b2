"""`make backup` and `make restore` on PostgreSQL: a restore into a fresh database finds everything again."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from contributions.models import Contribution, Evidence
from contributions.services import evidence_add
from lifeport.backups import BackupError, backup_check, backups_prune, backups_to_keep
from tests.contributions.conftest import PNG, tiny_pdf
from tests.factories import ContributionFactory


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _make(*args: str, database: str, media: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media), **extra_env}
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


# --- Encrypted to the operator's public key, and kept 14 days / 12 months ---------------------------------------


@pytest.fixture
def backup_key() -> Iterator[tuple[Path, str]]:
    """A real OpenPGP key pair made by gpg in a throwaway keyring: (the public key file, GNUPGHOME with the
    private key), as an operator keeps the private key off the server."""
    home = tempfile.mkdtemp(prefix="gpg-", dir="/tmp")  # short: gpg-agent's socket path is limited
    gpg = ["gpg", "--batch", "--homedir", home, "--passphrase", "", "--pinentry-mode", "loopback"]
    subprocess.run(
        [*gpg, "--quick-gen-key", "Lifeport backups <backup@lifeport.example>", "default", "default", "never"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    public = Path(home) / "backup-public.asc"
    public.write_bytes(subprocess.run([*gpg, "--armor", "--export"], check=True, capture_output=True).stdout)
    yield public, home
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_restored_into_a_fresh_database_has_every_row_and_file(
    nxp, nxp_rep, tmp_path, fresh_database, backup_key
):
    public_key, private_home = backup_key
    items = [ContributionFactory(partner=nxp, created_by=nxp_rep) for _ in range(3)]
    evidence_add(contribution=items[0], acting_user=nxp_rep, upload=SimpleUploadedFile("foto.png", PNG))
    media = Path(settings.MEDIA_ROOT)
    expected_files = {e.file.name: _digest(media / e.file.name) for e in Evidence.objects.all()}
    counts = "SELECT (SELECT count(*) FROM contributions_contribution), (SELECT count(*) FROM contributions_evidence)"
    with connection.cursor() as cursor:
        cursor.execute(counts)
        expected_counts = cursor.fetchone()

    backup_dir = tmp_path / "backups"
    made = _make(
        "backup",
        f"BACKUP_DIR={backup_dir}",
        database=connection.settings_dict["NAME"],
        media=media,
        BACKUP_GPG_PUBLIC_KEY=str(public_key),
    )
    assert made.returncode == 0, made.stderr
    (archive,) = backup_dir.iterdir()  # one file, no plain folder left behind
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{6}\.tar\.gpg", archive.name)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    sealed = archive.read_bytes()
    assert b"PGDMP" not in sealed and PNG not in sealed and b"manifest.json" not in sealed

    restored_media = tmp_path / "restored-media"
    refused = _make(
        "restore",
        f"BACKUP={archive}",
        "CONFIRM=yes",
        database=fresh_database,
        media=restored_media,
        GNUPGHOME=tempfile.mkdtemp(prefix="gpg-", dir="/tmp"),
    )
    assert refused.returncode != 0 and "could not be decrypted" in refused.stderr  # without the private key
    done = _make(
        "restore",
        f"BACKUP={archive}",
        "CONFIRM=yes",
        database=fresh_database,
        media=restored_media,
        GNUPGHOME=private_home,
    )
    assert done.returncode == 0, done.stderr
    with psycopg.connect(_url(fresh_database)) as conn:
        assert conn.execute(counts).fetchone() == expected_counts
        files = [r[0] for r in conn.execute("SELECT file FROM contributions_evidence").fetchall()]
    assert {name: _digest(restored_media / name) for name in files} == expected_files


def test_retention_keeps_the_newest_backup_of_14_days_and_of_12_months(tmp_path, settings):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_MONTHLY = 14, 12
    day = date(2026, 11, 30)
    names = []
    for back in range(400):  # a backup at 02:00 every night for 400 days, and a second one on the last day
        on = day - timedelta(days=back)
        names.append(f"{on:%Y-%m-%d}_020000.tar.gpg")
    names.append(f"{day:%Y-%m-%d}_140000.tar.gpg")
    for name in names:
        (tmp_path / name).write_bytes(b"sealed")
    (tmp_path / "2025-01-01_020000").mkdir()  # an old unencrypted folder goes too
    (tmp_path / "notes.txt").write_text("not a backup: never touched")

    removed = backups_prune(tmp_path)

    kept = sorted(p.name for p in tmp_path.iterdir())
    daily = [f"{day - timedelta(days=n):%Y-%m-%d}_020000.tar.gpg" for n in range(1, 14)]
    assert f"{day:%Y-%m-%d}_140000.tar.gpg" in kept and f"{day:%Y-%m-%d}_020000.tar.gpg" not in kept
    assert set(daily) <= set(kept)
    months = {name[:7] for name in kept if name.endswith(".gpg")}
    assert len(months) == 12 and min(months) == "2025-12"
    assert "2025-11-30_020000.tar.gpg" not in kept and "2025-01-01_020000" in removed
    assert "notes.txt" in kept
    assert len(kept) == 1 + 14 + 11  # notes, 14 days (November's newest among them), 11 earlier months' newest
    assert backups_to_keep(kept, daily=14, monthly=12) == set(kept) - {"notes.txt"}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_off_site_backup_goes_encrypted_to_the_s3_bucket_with_its_retention(
    nxp, nxp_rep, tmp_path, settings, s3_server, backup_key, monkeypatch
):
    """BACKUP_S3_BUCKET: the archive lands in the bucket of a real S3-compatible server (moto_server over HTTP)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from lifeport.backups import backup_create, backup_opened
    from tests.conftest import s3_bucket

    public_key, private_home = backup_key
    settings.BACKUP_GPG_PUBLIC_KEY = str(public_key)
    settings.STORAGES = {**settings.STORAGES, "backups": s3_bucket(s3_server)}
    bucket = storages["backups"]
    old = [f"2020-01-{day:02d}_020000.tar.gpg" for day in range(1, 21)]
    for name in old:
        bucket.save(name, ContentFile(b"an old archive"))
    item = ContributionFactory(partner=nxp, created_by=nxp_rep)
    evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("foto.png", PNG))

    name = str(backup_create())

    stored = sorted(bucket.listdir("")[1])
    assert name in stored and re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{6}\.tar\.gpg", name)
    # 14 days (this one and 2020-01-08 … 01-20) and per month the newest: 2020-01-01 … 01-07 are gone.
    assert stored == sorted([name, *old[7:]])
    local = tmp_path / name
    with bucket.open(name, "rb") as handle:
        local.write_bytes(handle.read())
    assert PNG not in local.read_bytes()
    monkeypatch.setenv("GNUPGHOME", private_home)
    with backup_opened(local) as folder:
        manifest = backup_check(folder)
    evidence_name = Evidence.objects.get().file.name
    assert manifest["files"][f"media/{evidence_name}"] == hashlib.sha256(PNG).hexdigest()
    assert manifest["database"] == "postgresql" and "database.dump" in manifest["files"]
