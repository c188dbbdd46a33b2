"""The annual plan as a PDF: asked for on the plan page, made by the render task (in-process here; through a
real worker in tests/browser/test_deployed.py), followed by htmx, downloaded by whoever may read the plan."""

import io
import time

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from actionlines import services
from actionlines.models import AnnualPlan, PlanPDF, PlanPDFStatus
from actionlines.selectors import plan_contents
from lifeport.lib.money import format_euro, format_number

pytestmark = pytest.mark.django_db
NOW = "2026-11-28 10:00:00+01:00"


def _url(name: str, plan: AnnualPlan) -> str:
    return reverse(f"actionlines:{name}", args=[plan.pk])


def _ask(client, plan: AnnualPlan, capture) -> PlanPDF:
    """Press "Make the PDF" on the plan page; the render task runs on commit (in-process)."""
    with capture(execute=True):
        response = client.post(_url("plan_pdf_generate", plan))
    assert response.status_code == 302 and response["Location"].endswith(f"{plan.get_absolute_url()}#pdf")
    return plan.pdfs.order_by("-requested_at", "-id").first()


def _download(client, plan: AnnualPlan) -> bytes:
    response = client.get(_url("plan_pdf", plan))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="jaarplan-' in response["Content-Disposition"]
    return b"".join(response.streaming_content)


@time_machine.travel(NOW, tick=False)
def test_the_plan_pdf_is_made_by_the_task_and_holds_every_activity_and_the_totals(
    client, steering, demo, django_capture_on_commit_callbacks
):
    client.force_login(steering)  # whoever may read the plan may ask for its PDF, as before
    assert client.get(_url("plan_pdf", demo)).status_code == 404  # nothing made yet
    started = time.monotonic()
    pdf = _ask(client, demo, django_capture_on_commit_callbacks)
    print(f"\nannual plan PDF (demo plan): {time.monotonic() - started:.2f} s, {pdf.size // 1024} kB")
    assert pdf.status == PlanPDFStatus.READY and pdf.requested_by == steering and pdf.error == ""
    content = _download(client, demo)
    import hashlib

    assert hashlib.sha256(content).hexdigest() == pdf.sha256 and len(content) == pdf.size

    reader = PdfReader(io.BytesIO(content))
    text = " ".join((page.extract_text() or "") for page in reader.pages).replace("\n", " ")
    assert reader.metadata.title == "Jaarplan 2026"
    for title in demo.activities.values_list("title", flat=True):
        assert title in text, title
    contents = plan_contents(demo)
    assert f"Totaal 7 {format_euro(contents.budget, 'nl')}" in text
    for figure in (
        format_euro(contents.pledged.in_kind_value, "nl"),
        format_euro(contents.pledged.money, "nl"),
        format_number(contents.pledged.hours, "nl", 0),
    ):
        assert figure in text, figure
    assert f"pagina 1 van {len(reader.pages)}" in text

    page = client.get(demo.get_absolute_url()).content.decode()
    assert _url("plan_pdf", demo) in page and "hx-trigger" not in page


@time_machine.travel(NOW, tick=False)
def test_an_unchanged_plan_gets_the_pdf_made_before_and_a_changed_draft_a_new_one(
    client, director, draft, django_capture_on_commit_callbacks
):
    client.force_login(director)
    first = _ask(client, draft, django_capture_on_commit_callbacks)
    again = _ask(client, draft, django_capture_on_commit_callbacks)
    assert again.pk == first.pk and again.file.name == first.file.name  # no second render
    assert PlanPDF.objects.filter(plan=draft).count() == 1

    activity = draft.activities.filter(action_line__code="talent").first()
    services.activity_update(activity=activity, acting_user=director, title="Techniekweek voor iedereen")
    changed = _ask(client, draft, django_capture_on_commit_callbacks)
    assert changed.pk != first.pk and changed.status == PlanPDFStatus.READY
    assert changed.source_sha256 != first.source_sha256
    assert list(PlanPDF.objects.filter(plan=draft)) == [changed]  # the outdated PDF and its file are gone
    assert not first.file.storage.exists(first.file.name)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(_download(client, draft))).pages)
    assert "Techniekweek voor iedereen" in text


def test_while_the_pdf_is_made_the_page_follows_it_and_asking_again_joins_it(client, steering, demo):
    client.force_login(steering)
    pending = PlanPDF.objects.create(plan=demo, source_sha256="0" * 64, requested_by=steering)
    PlanPDF.objects.filter(pk=pending.pk).update(status=PlanPDFStatus.GENERATING, stage="rendering")
    fragment = client.get(_url("plan_pdf_status", demo)).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "De PDF wordt opgemaakt" in fragment
    assert _url("plan_pdf_generate", demo) not in fragment  # no second request while one runs
    assert client.get(_url("plan_pdf", demo)).status_code == 404
    assert services.plan_pdf_request(plan=demo, acting_user=steering) == pending
    assert PlanPDF.objects.filter(plan=demo).count() == 1


def test_a_render_that_fails_shows_its_message_and_asking_again_makes_the_pdf(
    client, director, demo, django_capture_on_commit_callbacks, monkeypatch
):
    from weasyprint.urls import FatalURLFetchingError

    from lifeport.lib import pdf as pdf_lib

    real = pdf_lib.static_file_for_url

    def missing(url: str):
        raise FatalURLFetchingError(f'Error fetching "{url}"')  # a BaseException, as WeasyPrint raises it

    client.force_login(director)
    monkeypatch.setattr(pdf_lib, "static_file_for_url", missing)
    failed = _ask(client, demo, django_capture_on_commit_callbacks)
    assert failed.status == PlanPDFStatus.FAILED and "De PDF kon niet worden gemaakt" in failed.error
    page = client.get(demo.get_absolute_url()).content.decode()
    assert failed.error.split(":")[0] in page and 'role="alert"' in page
    assert _url("plan_pdf_generate", demo) in page  # asking again is offered

    monkeypatch.setattr(pdf_lib, "static_file_for_url", real)
    made = _ask(client, demo, django_capture_on_commit_callbacks)
    assert made.status == PlanPDFStatus.READY and made.pk != failed.pk
    assert _download(client, demo).startswith(b"%PDF")


def test_a_request_whose_task_was_lost_may_be_asked_for_again(
    client, director, demo, django_capture_on_commit_callbacks
):
    client.force_login(director)
    lost = PlanPDF.objects.create(plan=demo, source_sha256="0" * 64, requested_by=director)
    with time_machine.travel(lost.requested_at.timestamp() + 121):  # past the render's hard time limit
        fragment = client.get(_url("plan_pdf_status", demo)).content.decode()
        assert "hx-trigger" not in fragment and "Vraag hem opnieuw aan" in fragment
        made = _ask(client, demo, django_capture_on_commit_callbacks)
    assert made.status == PlanPDFStatus.READY
    assert not PlanPDF.objects.filter(pk=lost.pk).exists()  # closed as failed, then pruned by the new PDF


def test_the_make_pdf_action_is_a_post(client, steering, observer, demo):
    client.force_login(steering)
    assert client.get(_url("plan_pdf_generate", demo)).status_code == 405
    client.force_login(observer)
    assert client.post(_url("plan_pdf_generate", demo)).status_code == 403
    assert not PlanPDF.objects.exists()
