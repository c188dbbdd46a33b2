"""Docker does not run here: check the compose file's shape and that every command names something real."""

import fnmatch
import importlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_has_the_app_services_and_persistent_volumes():
    compose = _compose()
    assert {"proxy", "web", "worker", "beat", "migrate", "db", "redis"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_every_app_command_names_a_real_module_or_target():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        command = " ".join(services[name]["command"] + services[name].get("healthcheck", {}).get("test", []))
        for module in re.findall(r"([a-z_]+\.wsgi):application", command):
            assert hasattr(importlib.import_module(module), "application"), name
        for app in re.findall(r"celery -A ([a-z_]+)", command):
            assert importlib.import_module(app).celery_app.main == "lifeport", name
        for sub in re.findall(r"manage\.py ([a-z_]+)", command):
            from django.core.management import get_commands

            assert sub in get_commands(), f"{name}: manage.py {sub}"
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_the_dockerfile_and_env_example_exist_and_name_every_required_setting():
    assert "gunicorn" in (BASE_DIR / "Dockerfile").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "MEDIA_ROOT"):
        assert f"{key}=" in example


def test_migrations_run_once_as_a_release_step_before_the_app_starts():
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in " ".join(services[name]["command"]), name
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["db"] == depends["redis"] == {"condition": "service_healthy"}, name


def test_each_app_service_is_checked_by_manage_py_health_in_the_container_not_over_http():
    services = _compose()["services"]
    for name, scope in (("web", "web"), ("worker", "worker"), ("beat", "beat")):
        test = services[name]["healthcheck"]["test"]
        assert test == ["CMD", "python", "manage.py", "health", "--scope", scope], name
        assert not re.search(r"127\.0\.0\.1|localhost|curl|urlopen", " ".join(test)), name


def _env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (BASE_DIR / ".env.example").read_text().splitlines())
    return {key.strip(): value.strip() for key, *rest in pairs if rest and not key.startswith("#") for value in rest}


def test_the_web_healthcheck_passes_with_env_example(django_db_setup, tmp_path):
    """The web container's healthcheck command, with .env.example's settings as compose gives them (only the
    database and the media folder point at this machine's): exit 0."""
    from tests.deployed import database_url

    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "HTTPS", "SECRET_KEY"}}
    env.update(_env_example(), DATABASE_URL=database_url(), MEDIA_ROOT=str(tmp_path / "media"))
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # .env.example's placeholder is refused: the operator fills it
    env.pop("LIFEPORT_ZEAL", None)
    assert env["DEBUG"] == "false" and env["ALLOWED_HOSTS"] == "regie.lifeport.example"
    (tmp_path / "media").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "health", "--scope", "web"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 4, result.stdout


def _dockerignore() -> list[str]:
    lines = (BASE_DIR / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(
            fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
            for prefix in prefixes
        ):
            ignored = not negate
    return ignored


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        "node_modules/htmx.org/package.json",
        "var/lifeport.sqlite3",
        "var/backups/20260101/database.dump",
        "media/evidence/a.pdf",
        ".env",
        ".git/HEAD",
        "staticfiles/css/app.css",
        "bench/results/20261130-020438.json",
        ".pytest_cache/v/cache/lastfailed",
        ".ruff_cache/CACHEDIR.TAG",
        "lifeport/__pycache__/settings.cpython-311.pyc",
    ],
)
def test_the_build_context_leaves_out_local_environments_data_and_secrets(path):
    assert _ignored(path, _dockerignore()), path


def test_the_build_context_keeps_what_the_image_needs():
    patterns = _dockerignore()
    for path in (
        "pyproject.toml",
        "manage.py",
        "package.json",
        "package-lock.json",
        ".env.example",
        "lifeport/settings.py",
        "templates/base.html",
        "static/css/app.css",
        "locale/nl/LC_MESSAGES/django.po",
        "bench/results/latest.md",
    ):
        assert (BASE_DIR / path).exists(), path
        assert not _ignored(path, patterns), path


def test_the_image_carries_the_postgresql_client_of_the_servers_major_version():
    server = _compose()["services"]["db"]["image"]
    major = re.fullmatch(r"postgres:(\d+)(\.\d+)?(-.*)?", server).group(1)
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert f"ARG PG_MAJOR={major}" in dockerfile
    assert "postgresql-client-${PG_MAJOR}" in dockerfile
    assert "https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" in dockerfile
    assert "FROM python:3.11-slim-bookworm" in dockerfile


def test_only_the_tls_proxy_is_published_and_the_app_trusts_only_its_forwarded_headers():
    services = _compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["image"].startswith("caddy:")
    proxy_address = services["proxy"]["networks"]["front"]["ipv4_address"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["TRUSTED_PROXIES"] == f"{proxy_address}/32", name
    caddyfile = (BASE_DIR / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "BEHIND_PROXY" not in (BASE_DIR / ".env.example").read_text()
