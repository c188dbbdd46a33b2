"""The reminders job fixture, for the risk review rule."""

from tests.reminders.conftest import run_job  # noqa: F401 - the daily job, as beat runs it
