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
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

from lifeport.lib.files import CHUNK, stored_names

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
    _media_copy_out(folder / MEDIA)
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
    Media: the backup's files are put back into the media storage (files added since then stay).
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
    _media_copy_in(folder / MEDIA)


def _media_copy_out(target: Path) -> None:
    """Every file of the media storage (a folder or S3), read through the storage API, into `target`."""
    target.mkdir(mode=0o700)
    for name in _media_names():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)


def _media_names():
    try:
        yield from stored_names()
    except FileNotFoundError:  # a media folder not made yet: nothing stored
        return


def _media_copy_in(source: Path) -> None:
    """Put every file below `source` back into the media storage under its own name (replacing a file there)."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        default_storage.delete(name)
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"media file {name} was stored as {saved}.")
