"""Celery tasks of the annual plan: thin adapters (ids in, one service call)."""

import logging

from celery import shared_task

from actionlines import services
from lifeport.lib.renders import RenderTask

log = logging.getLogger(__name__)


class _PlanPDFRender(RenderTask):
    def record_failure(self, message: str, plan_pdf_id: int) -> None:
        log.warning("plan PDF %s: render failed: %s", plan_pdf_id, message)
        services.plan_pdf_render_failed(plan_pdf_id=plan_pdf_id, error=message)


@shared_task(bind=True, base=_PlanPDFRender)
def render_plan_pdf(self, plan_pdf_id: int) -> str:
    """Make the PDF of plan PDF request `plan_pdf_id` under the render limits; a failure is shown on the plan page.

    Idempotent: a request that is no longer waiting (made, closed) is left alone."""
    with self.limits():
        pdf = services.plan_pdf_render(plan_pdf_id=plan_pdf_id)
    return pdf.status if pdf else "skipped"
