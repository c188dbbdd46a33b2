"""The glue package's one model: the heartbeat of periodic jobs (lifeport.health)."""

from django.db import models


class Heartbeat(models.Model):
    """When periodic job `name` last finished; the health check fails when the daily job's is too old."""

    name = models.CharField(max_length=100, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M}"
