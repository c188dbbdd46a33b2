"""Start-up configuration: production settings pass `check --deploy`, bad values stop start-up in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#Kq2!vLp9@zR4$wN8^mT1&bY6*cH3(dF5)gJ0-sA+eU_iO=oP",
    "ALLOWED_HOSTS": "regie.lifeport.example",
    "HTTPS": "true",
    "DATABASE_URL": "sqlite:////tmp/lifeport-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.lifeport.example:587",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_a_missing_secret_key_in_production_stops_start_up_with_one_line():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]


@pytest.mark.parametrize("key", ["x", "change-me-to-a-long-random-string", "a" * 60, "django-insecure-" + "k7" * 30])
def test_a_weak_secret_key_in_production_stops_start_up_with_one_line(key):
    result = _manage("check", env={**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY is too weak" in lines[0]


def test_the_demo_starts_with_a_short_secret_key():
    result = _manage("check", env={**PRODUCTION, "DEBUG": "true", "SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("url", ["postgres//nohost", "not a url", "mysqlx://user@host/db"])
def test_a_malformed_database_url_stops_start_up_with_one_line(url):
    result = _manage("check", env={**PRODUCTION, "DATABASE_URL": url})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]


def test_without_database_url_the_app_runs_on_sqlite_and_eager_tasks():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="lifeport.settings")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], result.stderr


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A real, closed port: no mock.
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code)"
    )
    env = {
        **os.environ,
        **PRODUCTION,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
        "HTTPS": "false",
    }
    env["ALLOWED_HOSTS"] = "testserver"
    env["DJANGO_SETTINGS_MODULE"] = "lifeport.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr
