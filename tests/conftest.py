"""Shared fixtures: the seeded programme, personas, a real Celery worker and a real browser.

Tests marked `services` need Redis (a Celery worker) or Chromium. They run when
LIFEPORT_TEST_SERVICES=1 (as in CI) and then fail loudly if a service is missing; otherwise they are
deselected and counted at the end of the run.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from partners.models import Partner, Role
from partners.services import seed_programme
from tests.factories import PASSWORD, UserFactory

SERVICES = os.environ.get("LIFEPORT_TEST_SERVICES") == "1"
_deselected_service_tests: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Every test renders pages and PDFs with the static files as deployed: a real collectstatic
    (CompressedManifestStaticFilesStorage, hashed names) into STATIC_ROOT, served by WhiteNoise from there."""
    from tests.deployed import collected_static

    settings.STATIC_ROOT = collected_static()
    os.environ["STATIC_ROOT"] = str(settings.STATIC_ROOT)  # and in the processes a test starts


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVICES:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("services") else keep).append(item)
    if drop:
        _deselected_service_tests.extend(item.nodeid for item in drop)
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _deselected_service_tests:
        terminalreporter.write_line(
            f"{len(_deselected_service_tests)} service tests (Celery worker on Redis, Chromium) were not run; "
            "run them with LIFEPORT_TEST_SERVICES=1 and CELERY_BROKER_URL=redis://127.0.0.1:6379/0 "
            "(see .ci/run).",
            yellow=True,
        )


# The media storage of the tests: a folder per test by default; with LIFEPORT_TEST_MEDIA=s3 a bucket per test on
# a real S3-compatible server started here (moto's server mode over HTTP), through django-storages as deployed.
TEST_MEDIA = os.environ.get("LIFEPORT_TEST_MEDIA", "filesystem")
S3_CREDENTIALS = {"access_key": "lifeport-test", "secret_key": "lifeport-test-secret", "region": "eu-west-1"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto_server (an S3-compatible server) on a free local port; yields its endpoint URL."""
    from tests.deployed import free_port

    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"moto_server did not start on port {port} (pip install 'moto[server]')")
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def s3_bucket(endpoint: str) -> dict:
    """A new, empty bucket on `endpoint`; returns its STORAGES entry."""
    import boto3

    from lifeport.settings import s3_storage

    bucket = f"lifeport-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
        region_name=S3_CREDENTIALS["region"],
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_CREDENTIALS["region"]})
    return s3_storage(bucket=bucket, endpoint_url=endpoint, **S3_CREDENTIALS)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path, request) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    if TEST_MEDIA == "s3":
        settings.STORAGES = {**settings.STORAGES, "default": s3_bucket(request.getfixturevalue("s3_server"))}
    # A fast hasher: every persona's password is hashed, and PBKDF2 costs ~0.5 s each on these machines.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stored_files(folder: str = "") -> list[str]:
    """The names of the files in the media storage below `folder` (either backend; none when it is empty)."""
    from lifeport.lib.files import stored_names

    try:
        return list(stored_names(folder))
    except FileNotFoundError:
        return []


# --- One write path: contribution rows are written by contributions/services.py only ------------------

_CONTRIBUTION_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"contributions_contribution"', re.I)
_WRITE_PATH = str(Path(settings.BASE_DIR) / "contributions" / "services.py")
# Django itself empties the tables between transactional tests (SQLite: DELETE FROM); migrations run before.
_ALLOWED_OUTSIDE = ("/django/core/management/commands/flush.py", "/migrations/")


class ContributionWriteOutsideServices(AssertionError):
    """A statement wrote contribution rows from somewhere other than contributions/services.py."""


def contribution_write_guard(execute, sql, params, many, context):
    """A database execute wrapper: refuses (raises) an INSERT, UPDATE or DELETE of contribution rows unless
    contributions/services.py is on the call stack: every such write must keep the summary (figures)."""
    if _CONTRIBUTION_WRITE.match(sql):
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename == _WRITE_PATH or any(part in filename for part in _ALLOWED_OUTSIDE):
                break
            frame = frame.f_back
        else:
            raise ContributionWriteOutsideServices(
                f"contribution rows written outside contributions/services.py: {sql}"
            )
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _one_write_path(request) -> Iterator:
    """Every test runs with `contribution_write_guard` on the default connection, and every test that used the
    database ends with the contribution summary equal to a full recount (`figures.differences()`)."""
    from django.db import connection

    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("_django_db_helper")  # set up first, so the check below runs before its rollback
    with connection.execute_wrapper(contribution_write_guard):
        yield
    checked = uses_db and not connection.needs_rollback  # a test that ended on a refused statement reads nothing
    if checked and not _failed(request):
        from contributions.figures import differences

        assert differences() == [], "the contribution summary differs from a recount of the contributions"


def _failed(request) -> bool:
    report = getattr(request.node, "rep_call", None)
    return report is not None and report.failed


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call) -> Iterator:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- Signing in: force_login passes the second factor too -------------------------------------


class LifeportClient(Client):
    """Django's test client whose `force_login` also passes the second factor (django-otp).

    The director, the office and staff must verify a code before any page opens
    (accounts.middleware); `client.force_login(director)` stands for a completed sign-in, so it marks
    the session verified with a confirmed authenticator device. Pass `second_factor=False` to test the
    requirement itself. (`client.login()` does not work with django-axes: it needs the request.)
    """

    def force_login(self, user, backend=None, *, second_factor: bool = True) -> None:
        super().force_login(user, backend)
        if second_factor:
            verify_second_factor(self, user)


def verify_second_factor(client: Client, user) -> None:
    """Mark `client`'s session as having passed the second factor (only for users who need one)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import requires_two_factor

    if not requires_two_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client() -> LifeportClient:
    return LifeportClient()


@pytest.fixture
def programme(db) -> dict[str, Partner]:
    """The seven parties, LSI, the six action lines and the 2026 agreement, as `seed_lifeport` loads them."""
    seed_programme()
    return {p.slug: p for p in Partner.objects.all()}


@pytest.fixture
def nxp(programme) -> Partner:
    return programme["nxp"]


@pytest.fixture
def asmpt(programme) -> Partner:
    return programme["asmpt"]


@pytest.fixture
def nxp_rep(nxp):
    return UserFactory(username="rep-nxp", partner=nxp)


@pytest.fixture
def asmpt_rep(asmpt):
    return UserFactory(username="rep-asmpt", partner=asmpt)


@pytest.fixture
def director(programme):
    return UserFactory(username="director", role=Role.DIRECTOR, is_staff=True)


@pytest.fixture
def office(programme):
    return UserFactory(username="office", role=Role.OFFICE, is_staff=True)


@pytest.fixture
def steering(programme):
    return UserFactory(username="steering", role=Role.STEERING)


@pytest.fixture
def observer(programme):
    return UserFactory(username="observer", role=Role.OBSERVER)


@pytest.fixture
def talent_lead(programme):
    from actionlines.models import ActionLine

    return UserFactory(username="lead-talent", leads=ActionLine.objects.get(code="talent"))


# --- Celery: in-process by default, a real worker on Redis where a test asks for it -------------


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Iterator:
    """Tasks run in-process in tests, also when CI configures a broker; `celery_worker`, set up after this
    autouse fixture, switches to the real worker for the tests that ask for it."""
    from lifeport.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def celery_worker(transactional_db) -> Iterator:
    """A solo-pool Celery worker thread on Redis (database 15, or LIFEPORT_TEST_REDIS_DB, so a developer's
    queue is untouched)."""
    from celery.contrib.testing.worker import start_worker

    from lifeport.celery import app
    from tests.deployed import broker_url_for_tests

    try:
        test_url = broker_url_for_tests()
    except RuntimeError as error:
        pytest.fail(str(error))
    app.conf.update(broker_url=test_url, result_backend=test_url, task_always_eager=False)
    # Celery keeps a result backend per thread (Redis's is not thread-safe): this thread's may have been made
    # for the old URL by an earlier test; drop it, so results and progress are read where the worker writes.
    app._local.__dict__.pop("backend", None)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30) as w:
        yield w


# --- The app as deployed: gunicorn over HTTPS, a worker process, production settings ----------


@pytest.fixture(scope="module")
def deployed(django_db_setup, tmp_path_factory) -> Iterator:
    """gunicorn (HTTPS with a throwaway certificate) and a Celery worker process (prefork, as `make worker`)
    with production settings: DEBUG off, a long random SECRET_KEY, ALLOWED_HOSTS, HTTPS on, the static files
    of the session's collectstatic (a copy of its own) served by WhiteNoise, the pytest PostgreSQL database and
    the tests' Redis database. Module-scoped, so no other test's in-process worker shares its queue; the
    tests use transactional_db, so what they write is committed and the processes see it."""
    from tests.deployed import (
        Deployed,
        broker_url_for_tests,
        database_url,
        free_port,
        production_environment,
        purge_queues,
        self_signed_certificate,
        start_gunicorn,
        start_worker,
        wait_until_ready,
    )

    try:
        broker, database = broker_url_for_tests(), database_url()
    except RuntimeError as error:
        pytest.fail(str(error))
    folder = tmp_path_factory.mktemp("deployed")
    static_root = folder / "static"
    shutil.copytree(settings.STATIC_ROOT, static_root, copy_function=os.link)  # hard links: a test may remove one
    cert, key = self_signed_certificate(folder)
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    env = production_environment(
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(folder / "media"),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=url,
        SITE_URL=url,
        EMAIL_URL="consolemail://",
    )
    purge_queues(broker, "celery")
    processes = [start_gunicorn(env, folder, port=port, cert=cert, key=key), start_worker(env, folder)]
    wait_until_ready(*processes)
    app = Deployed(url, static_root, folder / "media", broker, env, folder, processes)
    yield app
    for process in processes:
        process.stop()
    purge_queues(broker, "celery")


@pytest.fixture
def deployed_page(browser, deployed, settings) -> Iterator:
    """Chromium on the deployed app (its certificate is a throwaway one: HTTPS errors are ignored). Passwords
    set meanwhile are hashed so that the deployed app, with production's hashers, accepts them."""
    settings.PASSWORD_HASHERS = ["tests.deployed.QuickPBKDF2PasswordHasher"]
    context = browser.new_context(
        locale="nl-NL", base_url=deployed.url, timezone_id="Europe/Amsterdam", ignore_https_errors=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


# --- Browser: Debian's Chromium through Playwright ---------------------------------------------

CHROMIUM = os.environ.get("LIFEPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator:
    """pytest-django's live server, with the static files served as deployed: by WhiteNoise from the collected
    STATIC_ROOT under their hashed names (the staticfiles handler it uses by default reads the unhashed sources)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"), start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(locale="nl-NL", base_url=live_server.url, timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def assert_no_axe_violations(page) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; fail listing every violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not violations, f"axe-core violations on {page.url}:\n" + "\n".join(violations)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form; for the director, office and staff also the second step.

    When the app asks for a code, the code is computed like an authenticator app would, from the
    user's device key in the database (the demo users `directeur` and `bureau` have one from
    `seed_demo_users`); a user without a device goes through the set-up page, reading its key.
    """
    page.goto("/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    path = urlparse(page.url).path
    if path == reverse("accounts:setup"):
        secret = page.get_by_test_id("totp-secret").inner_text()
        page.locator('input[name="code"]').fill(totp_code(b32decode(secret.replace(" ", "").upper())))
        page.locator('input[name="code"]').press("Enter")
        page.wait_for_load_state()
        page.get_by_test_id("continue").click()
        page.wait_for_load_state()
    elif path == reverse("accounts:verify"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.locator('input[name="code"]').fill(totp_code(device.bin_key, used_step=device.last_t))
        page.locator('input[name="code"]').press("Enter")
        page.wait_for_load_state()


def totp_code(key: bytes, *, used_step: int = -1) -> str:
    """The current 6-digit TOTP code for `key`, as an authenticator app shows it (RFC 6238, 30 s).

    django-otp accepts each time step once: when `used_step` (the device's last_t) is the current
    step, the next step's code is used (the server accepts one step of drift), waiting if needed.
    """
    from django_otp.oath import TOTP

    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time()
    while totp.t() < used_step:
        time.sleep(1)
        totp.time = time.time()
    if totp.t() == used_step:
        totp.drift = 1
    return f"{totp.token():06d}"
