"""The Celery app: reads Django settings (CELERY_*), finds tasks in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifeport.settings")

app = Celery("lifeport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
