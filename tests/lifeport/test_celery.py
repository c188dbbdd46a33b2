import pytest

from lifeport.celery import app
from lifeport.tasks import healthcheck


def test_the_celery_app_reads_django_settings(settings):
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.timezone == "Europe/Amsterdam"
    assert "lifeport.tasks.healthcheck" in app.tasks


@pytest.mark.services
def test_a_real_worker_on_redis_runs_a_task_against_the_database(celery_worker):
    from partners.services import seed_programme

    seed_programme()
    result = healthcheck.delay()
    assert result.get(timeout=30) == {"database": "ok", "partners": 8}
