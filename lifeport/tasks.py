from celery import shared_task

from partners.models import Partner


@shared_task
def healthcheck() -> dict:
    """Prove that a worker reaches the broker and the database (deploy smoke test). No side effects."""
    return {"database": "ok", "partners": Partner.objects.count()}
