"""Docker does not run here: check the compose file's shape and that every command names something real."""

import importlib
import re
from pathlib import Path

import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_and_persistent_volumes():
    compose = _compose()
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_every_app_command_names_a_real_module_or_target():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        command = " ".join(services[name]["command"])
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
