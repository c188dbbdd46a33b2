"""The data version: a number that changes when, and only when, programme data is committed."""

from django.db import models


class DataVersion(models.Model):
    """One row whose `number` a commit-time trigger moves on in every transaction that changes programme data
    (the tables of partners, action lines, contributions and reports; migration lifeport 0001). Sign-ins,
    sessions, the audit trail and reminders do not move it. Read by `lifeport.lib.snapshot.data_version`."""

    number = models.BigIntegerField()

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return str(self.number)
