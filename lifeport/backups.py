"""Backups: the database (pg_dump -Fc, or a copy of the SQLite file) and the media files in one dated folder.

`python manage.py backup` / `make backup` writes it; `python manage.py restore <folder>` / `make restore`
brings it back. A manifest with SHA-256 checksums lets the restore refuse a damaged or incomplete backup.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage, storages
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
    """Write the database and the media files to a new folder `<BACKUP_DIR>/<YYYY-MM-DD_HHMMSS>/`, then (with
    BACKUP_GPG_PUBLIC_KEY) encrypt it into `<YYYY-MM-DD_HHMMSS>.tar.gpg` and remove the folder, then delete the
    backups beyond the retention. Readable by its owner only (it holds personal data). Returns what it wrote.
    """
    if "backups" in settings.STORAGES and target_dir is None:
        return _backup_to_storage()
    root = Path(target_dir or settings.BACKUP_DIR)
    folder = _backup_folder(root)
    written = folder
    if settings.BACKUP_GPG_PUBLIC_KEY:
        try:
            written = _encrypt(folder, Path(settings.BACKUP_GPG_PUBLIC_KEY))
        finally:
            shutil.rmtree(folder)
    backups_prune(root)
    return written


def _backup_to_storage() -> Path:
    """The encrypted archive, made in a temporary folder, saved to the "backups" storage (an S3 bucket); the
    retention applied there. Returns the archive's name in the bucket (as a Path, like the folder case)."""
    storage = storages["backups"]
    with tempfile.TemporaryDirectory(prefix="lifeport-backup-") as workdir:
        folder = _backup_folder(Path(workdir))
        archive = _encrypt(folder, Path(settings.BACKUP_GPG_PUBLIC_KEY))
        with archive.open("rb") as handle:
            saved = storage.save(archive.name, File(handle, name=archive.name))
    names = [name for name in storage.listdir("")[1] if _NAME.match(name)]
    keep = backups_to_keep(names, daily=settings.BACKUP_KEEP_DAILY, monthly=settings.BACKUP_KEEP_MONTHLY)
    for name in sorted(set(names) - keep):
        storage.delete(name)
    return Path(saved)


def _backup_folder(root: Path) -> Path:
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


# --- Encryption (GPG, to the operator's public key) ----------------------------------------------------------

ENCRYPTED = ".tar.gpg"


def _gpg(*args: str, home: str) -> list[str]:
    return ["gpg", "--batch", "--yes", "--quiet", "--homedir", home, *args]


def _encrypt(folder: Path, public_key: Path) -> Path:
    """`folder` as a tar stream through `gpg --encrypt --recipient-file` into `<folder>.tar.gpg` (mode 600)."""
    if not public_key.is_file():
        raise BackupError(f"BACKUP_GPG_PUBLIC_KEY {public_key} is not a readable file.")
    archive = folder.with_name(folder.name + ENCRYPTED)
    with tempfile.TemporaryDirectory(prefix="gpg-", dir="/tmp") as home:  # a throwaway keyring: only the key given
        command = _gpg(
            "--trust-model",
            "always",
            "--recipient-file",
            str(public_key),
            "--output",
            str(archive),
            "--encrypt",
            home=home,
        )
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        with tarfile.open(fileobj=process.stdin, mode="w|") as tar:
            tar.add(folder, arcname=folder.name)
        process.stdin.close()
        error = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            archive.unlink(missing_ok=True)
            raise BackupError(f"gpg failed: {error.strip()[-2000:]}")
    archive.chmod(0o600)
    return archive


@contextmanager
def backup_opened(path: Path) -> Iterator[Path]:
    """The backup folder of `path`: the folder itself, or an encrypted archive decrypted (with the private key in
    the keyring of GNUPGHOME) into a temporary folder that is removed afterwards."""
    if not path.name.endswith(ENCRYPTED):
        yield path
        return
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with tempfile.TemporaryDirectory(prefix="lifeport-restore-") as workdir:
        home = os.environ.get("GNUPGHOME") or str(Path.home() / ".gnupg")
        process = subprocess.Popen(
            _gpg("--decrypt", str(path), home=home), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as tar:
                tar.extractall(workdir, filter="data")
        except tarfile.TarError:
            pass  # gpg's own message says why
        error = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise BackupError(f"{path.name} could not be decrypted: {error.strip()[-2000:]}")
        folders = [p for p in Path(workdir).iterdir() if p.is_dir()]
        if len(folders) != 1:
            raise BackupError(f"{path.name} does not hold one backup folder.")
        yield folders[0]


# --- Retention -------------------------------------------------------------------------------------------------

_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{6})(\.tar\.gpg)?$")


def backups_to_keep(names: list[str], *, daily: int, monthly: int) -> set[str]:
    """Of the backups `names` (`YYYY-MM-DD_HHMMSS[.tar.gpg]`), the ones to keep: the newest of each of the `daily`
    most recent days that have one, and the newest of each of the `monthly` most recent months."""
    dated = sorted((name for name in names if _NAME.match(name)), reverse=True)  # the name sorts by date
    keep: set[str] = set()
    for period_of, count in ((lambda n: n[:10], daily), (lambda n: n[:7], monthly)):
        seen: list[str] = []
        for name in dated:
            period = period_of(name)
            if period not in seen:
                seen.append(period)
                if len(seen) > count:
                    break
                keep.add(name)
    return keep


def backups_prune(root: Path) -> list[str]:
    """Delete the backups in `root` beyond the retention (BACKUP_KEEP_DAILY, BACKUP_KEEP_MONTHLY); returns them."""
    names = [p.name for p in root.iterdir() if _NAME.match(p.name)]
    keep = backups_to_keep(names, daily=settings.BACKUP_KEEP_DAILY, monthly=settings.BACKUP_KEEP_MONTHLY)
    removed = sorted(set(names) - keep)
    for name in removed:
        path = root / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return removed
