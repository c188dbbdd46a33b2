"""Celery tasks: thin adapters (ids in, one service call). Renders share lifeport.lib.renders.RenderTask: time
and memory limits, retries of passing trouble with back-off, and every failure recorded where the user sees it."""

import logging

from celery import shared_task

from lifeport.lib.renders import RenderTask
from reports import services

log = logging.getLogger(__name__)


class _ReportRender(RenderTask):
    def record_failure(self, message: str, report_id: int, token: str) -> None:
        log.warning("report %s: render failed: %s", report_id, message)
        services.report_render_failed(report_id=report_id, token=token, error=message)


class _StatementRender(RenderTask):
    def record_failure(self, message: str, statement_id: int) -> None:
        log.warning("year statement %s: render failed: %s", statement_id, message)
        services.statement_render_failed(statement_id=statement_id, error=message)


@shared_task(bind=True, base=_ReportRender)
def render_report(self, report_id: int, token: str) -> str:
    """Render report `report_id` for render request `token`; a failure is shown on the report.

    Idempotent: a report that is no longer waiting for this token (ready, re-requested, edited) is left alone.
    """
    with self.limits():
        report = services.report_render(report_id=report_id, token=token)
    return report.status if report else "skipped"


@shared_task(bind=True, acks_late=True, soft_time_limit=600, time_limit=660, max_retries=None)
def export_report(self, export_id: int) -> str:
    """Write the XLSX of a report (tables and every contribution), updating its progress as it goes."""
    try:
        export = services.export_run(export_id=export_id)
    except Exception as error:
        services.export_failed(export_id=export_id, error=f"{error.__class__.__name__}: {error}")
        raise
    return export.status if export else "skipped"


@shared_task(name="reports.clean_up_exports", acks_late=True)
def clean_up_exports() -> int:
    """Remove the files and rows of exports replaced or failed more than a day ago (beat: every hour)."""
    return services.exports_clean_up()


@shared_task(bind=True, base=_StatementRender)
def render_statement(self, statement_id: int) -> str:
    """Render a partner's year statement PDF (one page); a failure is shown on the statement."""
    with self.limits():
        statement = services.statement_render(statement_id=statement_id)
    return "done" if statement else "skipped"
