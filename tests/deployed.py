"""The app as deployed, for the tests (and the benchmarks): the static files from a real `collectstatic`,
gunicorn with production settings serving HTTPS, and a Celery worker process as `make worker` runs it.

No setting exists for the tests' sake: the processes get the environment a production host gives them
(DEBUG off, a long SECRET_KEY, ALLOWED_HOSTS, HTTPS on), with the test database and a Redis database of the
tests' own.
"""

import hashlib
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.request import urlopen

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
# Variables the test run sets for itself (pyproject.toml's [tool.pytest.ini_options] env) that a production
# host does not have; the deployed processes get none of them.
TEST_ONLY_VARIABLES = ("LIFEPORT_ZEAL", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG", "STATIC_ROOT")


def production_environment(**overrides: str) -> dict[str, str]:
    """The environment of a production host: this one's PATH and locale, DEBUG off, a real secret key."""
    env = {name: value for name, value in os.environ.items() if name not in TEST_ONLY_VARIABLES}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
    env.update(overrides)
    return env


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 as production checks it, with few iterations (the count is stored in the hash): a password a
    test sets is accepted by the deployed app, which upgrades the hash on sign-in as it would an old one."""

    iterations = 1000


# --- Static files: collectstatic as deployed ---------------------------------------------------


def _sources_fingerprint() -> str:
    """What collectstatic's output depends on: every source file the finders list, the storage, the versions."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for name in ("Django", "whitenoise"):
        digest.update(f"{name}={version(name)}\n".encode())
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    found: dict[str, Path] = {}
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            found.setdefault(f"{prefix}/{path}" if prefix else path, Path(storage.path(path)))
    for name in sorted(found):
        digest.update(name.encode() + b"\0" + found[name].read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def collected_static(cache_dir: Path | None = None) -> Path:
    """STATIC_ROOT as `collectstatic` writes it on a production host (hashed names, compressed copies and the
    manifest of CompressedManifestStaticFilesStorage).

    Collecting takes ~20 s here (mostly brotli), so the result is kept under var/collected-static/ in a folder
    named after the sources' fingerprint and collected again only when a source, the storage or a version
    changes. A fresh clone (CI) always collects.
    """
    cache_dir = cache_dir or BASE_DIR / "var" / "collected-static"
    target = cache_dir / _sources_fingerprint()
    if (target / "staticfiles.json").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    building = cache_dir / f".building-{uuid.uuid4().hex}"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=production_environment(STATIC_ROOT=str(building)),
        check=True,
    )
    try:
        building.rename(target)  # atomic: a run collecting at the same moment keeps its own or ours
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    for old in cache_dir.iterdir():
        if old != target and not old.name.startswith(".building-"):
            shutil.rmtree(old, ignore_errors=True)
    return target


# --- Processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and localhost, made by openssl (Debian's)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Process:
    """A process of the deployed app, its output in a log file."""

    name: str
    popen: subprocess.Popen
    log: Path
    extra: dict = field(default_factory=dict)

    def output(self, last: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-last:] if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 30) -> None:
        if not self.alive():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)  # its own session: the process and the children it forked
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)


def _start(name: str, command: list[str], env: dict[str, str], folder: Path) -> Process:
    log = folder / f"{name}.log"
    handle = open(log, "wb")  # noqa: SIM115 - the child writes to it until it stops
    popen = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
                             start_new_session=True)  # fmt: skip
    handle.close()
    return Process(name, popen, log)


def wait_until_ready(*processes: Process, timeout: float = 90) -> None:
    """Wait for every process's `ready` check (they start in parallel); stop them all if one fails."""
    deadline = time.monotonic() + timeout
    waiting = list(processes)
    while waiting:
        for process in list(waiting):
            if not process.alive():
                for other in processes:
                    other.stop()
                raise RuntimeError(f"{process.name} stopped before it was ready:\n{process.output()}")
            if process.extra["ready"]():
                waiting.remove(process)
        if waiting and time.monotonic() > deadline:
            for other in processes:
                other.stop()
            raise RuntimeError(f"not ready after {timeout} s: {[p.name for p in waiting]}\n{waiting[0].output()}")
        time.sleep(0.2)


def start_worker(env: dict[str, str], folder: Path, *, name: str = "worker", queues: str = "") -> Process:
    """`make worker`: a Celery worker with the prefork pool, two children. Call wait_until_ready()."""
    command = [str(VENV_BIN / "celery"), "-A", "lifeport", "worker", "--loglevel=INFO", "--concurrency=2",
               "--hostname", f"{name}-{uuid.uuid4().hex[:8]}@%h"]  # fmt: skip
    if queues:
        command += ["--queues", queues]
    process = _start(name, command, env, folder)
    process.extra["ready"] = lambda: " ready." in process.output(1_000_000)
    return process


def start_gunicorn(env: dict[str, str], folder: Path, *, port: int, cert: Path, key: Path) -> Process:
    """gunicorn as in the Dockerfile, serving HTTPS itself (no proxy in front). Call wait_until_ready()."""
    command = [str(VENV_BIN / "gunicorn"), "lifeport.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "2", "--certfile", str(cert), "--keyfile", str(key), "--access-logfile", "-"]  # fmt: skip
    process = _start("gunicorn", command, env, folder)
    context = ssl.create_default_context(cafile=str(cert))

    def healthy() -> bool:
        try:
            with urlopen(f"https://127.0.0.1:{port}/healthz", context=context, timeout=2) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    process.extra["ready"] = healthy
    return process


# --- Celery: the tests' own Redis database -------------------------------------------------------------


def broker_url_for_tests() -> str:
    """The broker of the tests: CELERY_BROKER_URL's server, database LIFEPORT_TEST_REDIS_DB (15 by default), so a
    developer's queue and another checkout's tests are untouched."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        raise RuntimeError("This test needs a real Celery broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    db_index = os.environ.get("LIFEPORT_TEST_REDIS_DB", "15")
    return broker.rsplit("/", 1)[0] + f"/{db_index}" if broker.count("/") >= 3 else f"{broker}/{db_index}"


def purge_queues(broker_url: str, *queues: str) -> None:
    """Drop the messages a test left behind (a retry waiting, a render never started)."""
    from kombu import Connection

    with Connection(broker_url) as connection:
        channel = connection.default_channel
        for queue in queues:
            channel.queue_purge(queue)


def database_url() -> str:
    """The URL of the test database pytest-django made (PostgreSQL: gunicorn and the worker open it too)."""
    from urllib.parse import quote

    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("The deployed tests need PostgreSQL: set DATABASE_URL=postgres://…")
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@dataclass
class Deployed:
    """The app as deployed: its address, its folders, its processes."""

    url: str
    static_root: Path
    media_root: Path
    broker_url: str
    env: dict[str, str]
    folder: Path
    processes: list[Process]

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.output()}" for p in self.processes)

    def send(self, task, args: tuple, **options) -> None:
        """Queue `task` for the deployed worker with Celery's own per-call options (time limits, queue). The
        connection is given: Celery's conf prefers the environment's CELERY_BROKER_URL to any update."""
        from kombu import Connection

        from lifeport.celery import app

        eager, app.conf.task_always_eager = app.conf.task_always_eager, False
        try:
            with Connection(self.broker_url) as connection:
                task.apply_async(args, connection=connection, ignore_result=True, **options)
        finally:
            app.conf.task_always_eager = eager
