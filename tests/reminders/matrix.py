"""URL builders for tests/test_access_matrix.py: a delivered reminder and the calendar of the persona "m-rep"."""

import uuid
from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse

from reminders.models import Reminder
from reminders.services import preference_for

SIGNED_IN_ONLY = {"anonymous": 302}


def _rep():
    return get_user_model().objects.get(username="m-rep")


def reminder_url(objects: dict, name: str = "reminders:open") -> str:
    # get_or_create: several URL names (open, mark_read) may be built in one test.
    reminder, _created = Reminder.objects.get_or_create(
        rule="period_due",
        subject="matrix",
        recipient=_rep(),
        deadline=date(2026, 4, 15),
        lead_days=7,
        defaults={"run": uuid.uuid4(), "status": "sent", "title": "Matrix", "link": "/"},
    )
    return reverse(name, args=[reminder.pk])


def calendar_url(objects: dict) -> str:
    return reverse("reminders:calendar", args=[preference_for(_rep()).calendar_token])
