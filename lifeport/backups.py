"""Backups: the database (pg_dump -Fc, or a copy of the SQLite file) and the media files in one dated folder.

`python manage.py backup` / `make backup` writes it; `python manage.py restore <folder>` / `make restore`
brings it back. A manifest with SHA-256 checksums lets the restore refuse a damaged or incomplete backup.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP = "database.dump"
SQLITE = "database.sqlite3"
MEDIA = "media"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup could not be made or restored; the message says why."""


@dataclass(frozen=True)
class Database:
    engine: str
    name: str
    env: dict[str, str]
    args: list[str]


def _database() -> Database:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return Database("sqlite", str(db["NAME"]), {}, [])
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(f"Unsupported database engine {db['ENGINE']}.")
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return Database("postgresql", db["NAME"], env, args)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env or None, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, target_dir: Path | None = None) -> Path:
    """Write the database and the media files to a new folder `<BACKUP_DIR>/<YYYY-MM-DD_HHMMSS>/`.

    The folder is readable by its owner only (it holds personal data). Returns the folder.
    """
    root = Path(target_dir or settings.BACKUP_DIR)
    folder = root / timezone.localtime().strftime("%Y-%m-%d_%H%M%S")
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    db = _database()
    if db.engine == "postgresql":
        dump = folder / DUMP
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *db.args, "--file", str(dump), db.name],
            db.env,
        )
    else:
        dump = folder / SQLITE
        source = sqlite3.connect(db.name)
        with sqlite3.connect(dump) as copy:
            source.backup(copy)
        source.close()
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, folder / MEDIA)
    else:
        (folder / MEDIA).mkdir()
    files = {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = {"created_at": timezone.now().isoformat(), "database": db.engine, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return folder


def backup_check(folder: Path) -> dict:
    """Read the manifest and check every file against its checksum; raises BackupError on any difference."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a backup folder (no readable {MANIFEST}).") from error
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != checksum:
            raise BackupError(f"{name} is missing or damaged in {folder}.")
    return manifest


def backup_restore(*, folder: Path) -> None:
    """Put the database and the media files of `folder` back (the database of DATABASE_URL is replaced).

    PostgreSQL: pg_restore --clean --if-exists in one transaction, so a failed restore changes nothing.
    Media: the backup's files are copied over MEDIA_ROOT (files added since then stay).
    """
    manifest = backup_check(folder)
    db = _database()
    if manifest["database"] != db.engine:
        raise BackupError(f"This backup is of a {manifest['database']} database; DATABASE_URL is {db.engine}.")
    connections.close_all()
    if db.engine == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *db.args,
                "--dbname",
                db.name,
                str(folder / DUMP),
            ],
            db.env,
        )
    else:
        with sqlite3.connect(folder / SQLITE) as source, sqlite3.connect(db.name) as target:
            source.backup(target)
    shutil.copytree(folder / MEDIA, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
