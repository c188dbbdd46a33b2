"""The annual-plan objects the access matrix (tests/test_access_matrix.py) opens, built once per test.

An adopted 2026 plan (the demo plan) with a draft version 2, and a 2027 plan in review with an open
comment: each URL is opened in the state where someone may use it.
"""

from django.core.files.base import ContentFile
from django.urls import reverse

from actionlines.demo import seed_demo_plan
from actionlines.models import PlanPDF, PlanPDFStatus
from actionlines.services import (
    comment_add,
    plan_new_version,
    plan_send_for_review,
    plan_start_next_year,
)
from partners.models import Role
from tests.factories import UserFactory


def plan_objects(objects: dict) -> dict:
    if "plan" not in objects:
        director = UserFactory(username="matrix-plan-director", role=Role.DIRECTOR)
        steering = UserFactory(username="matrix-plan-steering", role=Role.STEERING)
        adopted = seed_demo_plan()
        draft = plan_new_version(plan=adopted, acting_user=director)
        next_year = plan_start_next_year(plan=adopted, acting_user=director)
        plan_send_for_review(plan=next_year, acting_user=director)
        talent = draft.activities.filter(action_line__code="talent").first()
        comment = comment_add(activity=next_year.activities.first(), acting_user=steering, text="Graag toelichten.")
        pdf = PlanPDF(plan=adopted, status=PlanPDFStatus.READY, source_sha256="0" * 64, sha256="0" * 64)
        pdf.file.save("matrix.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=True)  # a ready PDF, not rendered
        objects["plan"] = {
            "adopted": adopted,
            "draft": draft,
            "review": next_year,
            "activity": talent,
            "pledge": talent.pledges.first(),
            "milestone": talent.milestones.first(),
            "indicator": draft.indicators.filter(action_line__code="talent").first(),
            "adopted_milestone": adopted.activities.filter(action_line__code="talent").first().milestones.first(),
            "adopted_indicator": adopted.indicators.filter(action_line__code="talent").first(),
            "comment": comment,
            "review_activity": comment.activity,
        }
    return objects["plan"]


def url(objects: dict, name: str, key: str | None = None, *extra) -> str:
    """reverse("actionlines:<name>") with the pk of the named object (and any extra arguments)."""
    args = [plan_objects(objects)[key].pk] if key else []
    return reverse(f"actionlines:{name}", args=[*args, *extra])


def compare_query(objects: dict) -> str:
    plans = plan_objects(objects)
    return f"?left={plans['adopted'].pk}&right={plans['draft'].pk}"
