"""Every PDF as deployed: gunicorn over HTTPS with production settings, the hashed static files of a real
collectstatic served by WhiteNoise, PostgreSQL and a Celery worker process (prefork, as `make worker`) on Redis.

Chromium signs in and asks for each PDF; the worker makes it; the page follows it with htmx; the download is
checked with pypdf. A render that fails ends as failed with its message on the page, and asking again after
the cause is gone makes the PDF. The time and memory limits fire in a real worker (eager tasks have none).
"""

import re
import time
from decimal import Decimal

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from pypdf import PdfReader

from actionlines.demo import seed_demo_plan
from actionlines.models import PlanPDF, PlanPDFStatus
from actionlines.tasks import render_plan_pdf
from contributions.models import Kind
from lifeport.lib.renders import MAX_ATTEMPTS
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.models import Partner
from partners.services import seed_programme
from reports import services as report_services
from reports.models import PartnerStatement, Report, ReportStatus
from reports.tasks import render_report
from tests.conftest import assert_no_axe_violations, log_in
from tests.factories import ContributionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RENDER_TIMEOUT_MS = 120_000


def _programme() -> None:
    seed_programme()
    seed_demo_users()
    for slug, hours in (("nxp", 40), ("asmpt", 25), ("radboud-universiteit", 120), ("roc-nijmegen", 60)):
        ContributionFactory(partner=Partner.objects.get(slug=slug), approved=True, hours=Decimal(hours))
    ContributionFactory(
        partner=Partner.objects.get(slug="gemeente-nijmegen"), approved=True, kind=Kind.MONEY, amount=Decimal(85000)
    )


def _pdf_text(path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def _download(page, link) -> str:
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    return _pdf_text(download.value.path())


def _start_report(page) -> None:
    page.goto("/rapportages/nieuw/")
    page.get_by_label("Periode").select_option("2026")
    page.get_by_role("button", name="Concept starten").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Voortgangsrapportage 2026"


def _wait_for(model, pk: int, done, deployed, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = model.objects.get(pk=pk)
        if done(row):
            return row
        time.sleep(0.3)
    pytest.fail(f"{model.__name__} {pk} did not finish:\n{deployed.logs()}")


def test_the_director_has_the_progress_report_made_by_the_worker_and_downloads_it(deployed, deployed_page):
    page = deployed_page
    _programme()
    log_in(page, "directeur", DEMO_PASSWORD)
    _start_report(page)
    assert_no_axe_violations(page)  # the hashed CSS is there: WhiteNoise serves what collectstatic wrote
    page.get_by_role("button", name="PDF maken").click()
    link = page.get_by_test_id("download-pdf")
    link.wait_for(timeout=RENDER_TIMEOUT_MS)  # htmx polls the status until the worker is done
    assert page.get_by_test_id("report-status").inner_text() == "PDF klaar"
    text = _download(page, link)
    assert "€ 99.700,00" in text  # the approved total
    assert re.search(r"pagina \d+ van \d+", text)  # pdf.css (fetched under its hashed name) numbers the pages
    report = Report.objects.get()
    assert report.status == ReportStatus.READY and report.render_attempts == 1


def test_year_statements_are_made_by_the_worker_and_a_representative_confirms_theirs(deployed, deployed_page):
    page = deployed_page
    _programme()
    log_in(page, "bureau", DEMO_PASSWORD)
    page.goto("/rapportages/jaaropgaven/")
    page.get_by_label("Jaar", exact=True).fill("2026")
    page.get_by_role("button", name="Jaaropgaven maken").click()
    made = PartnerStatement.objects.filter(year=2026)
    assert made.filter(partner__slug="nxp").exists()
    for statement in made:
        _wait_for(PartnerStatement, statement.pk, lambda s: s.pdf or s.error, deployed)
    assert not PartnerStatement.objects.exclude(error="").exists()
    page.get_by_role("button", name="Uitloggen").click()

    log_in(page, "nxp", DEMO_PASSWORD)
    page.goto("/rapportages/jaaropgaven/")
    page.get_by_role("link", name="NXP", exact=True).click()
    assert_no_axe_violations(page)
    text = _download(page, page.get_by_test_id("download-pdf"))
    assert "NXP" in text and "2026" in text and "€ 2.400,00" in text, text  # 40 hours at € 60
    page.get_by_role("button", name="Ik bevestig deze cijfers").click()
    assert page.get_by_test_id("confirmed").is_visible()
    assert PartnerStatement.objects.get(partner__slug="nxp").confirmed_by.username == "nxp"


def test_the_annual_plan_pdf_is_made_by_the_worker_and_downloaded(deployed, deployed_page):
    page = deployed_page
    seed_programme()
    seed_demo_users()
    plan = seed_demo_plan()
    log_in(page, "regiegroep", DEMO_PASSWORD)  # whoever reads the plan may have its PDF made
    page.goto(plan.get_absolute_url())
    page.get_by_role("button", name="PDF maken").click()
    link = page.get_by_test_id("download-plan-pdf")
    link.wait_for(timeout=RENDER_TIMEOUT_MS)
    assert_no_axe_violations(page)
    text = _download(page, link)
    assert "Jaarplan 2026" in text and "Semicon-leerlijn mbo en hbo" in text
    made = PlanPDF.objects.get(plan=plan)
    assert made.status == PlanPDFStatus.READY and made.requested_by.username == "regiegroep"

    page.goto(plan.get_absolute_url())  # the plan has not changed: the PDF made before is handed out
    page.get_by_role("button", name="PDF maken").click()
    page.get_by_test_id("download-plan-pdf").wait_for()
    assert list(PlanPDF.objects.filter(plan=plan)) == [made]


def test_a_render_that_fails_as_deployed_shows_its_message_and_asking_again_after_the_fix_works(
    deployed, deployed_page
):
    page = deployed_page
    _programme()
    hashed = deployed.static_root / staticfiles_storage.stored_name("css/pdf.css")
    aside = hashed.with_name("aside.css")
    hashed.rename(aside)  # a file the PDF needs is missing from STATIC_ROOT
    try:
        log_in(page, "directeur", DEMO_PASSWORD)
        _start_report(page)
        page.get_by_role("button", name="PDF maken").click()
        error = page.get_by_test_id("render-error")
        error.wait_for(timeout=RENDER_TIMEOUT_MS)
        assert page.get_by_test_id("report-status").inner_text() == "Maken mislukt"
        assert "De PDF kon niet worden gemaakt" in error.inner_text() and hashed.name in error.inner_text()
        assert page.get_by_test_id("download-pdf").count() == 0
        assert_no_axe_violations(page)
    finally:
        aside.rename(hashed)  # the cause is gone

    page.get_by_role("button", name="PDF maken").click()  # the button came back with the failure
    link = page.get_by_test_id("download-pdf")
    link.wait_for(timeout=RENDER_TIMEOUT_MS)
    assert "€ 99.700,00" in _download(page, link)


def _report_rendered_under(deployed, director, **limits) -> Report:
    """A 2026 report rendered by the deployed worker under Celery's own per-call time limits."""
    _programme()
    report = report_services.report_create(period_key="2026", language="nl", acting_user=director)
    token = report.new_render_token()
    report.save()
    deployed.send(render_report, (report.pk, str(token)), **limits)
    return _wait_for(Report, report.pk, lambda r: r.status != ReportStatus.GENERATING, deployed)


def test_a_render_past_its_soft_time_limit_is_stopped_and_shows_why(deployed, director):
    # The soft limit's exception is lost when its signal lands in a destructor (WeasyPrint's
    # FontConfiguration.__del__): the hard limit, 0.3 s later, is its backstop.
    failed = _report_rendered_under(deployed, director, soft_time_limit=0.2, time_limit=0.5)
    assert failed.status == ReportStatus.FAILED, deployed.logs()
    assert re.search(r"duurde langer dan 0\.[25] seconden", failed.error), failed.error
    assert "Soft time limit (0.2s) exceeded" in deployed.logs()
    assert not failed.pdf


def test_a_render_past_its_hard_time_limit_is_killed_and_the_report_page_shows_why(deployed, deployed_page, director):
    # Celery arms the hard limit when the soft one fires (hard - soft later): equal limits kill the child at once.
    failed = _report_rendered_under(deployed, director, soft_time_limit=1, time_limit=1)
    assert failed.status == ReportStatus.FAILED and "duurde langer dan 1 seconden" in failed.error, deployed.logs()
    assert "Hard time limit (1s) exceeded" in deployed.logs()

    page = deployed_page
    log_in(page, "directeur", DEMO_PASSWORD)
    page.goto(failed.get_absolute_url())
    assert "duurde langer dan 1 seconden" in page.get_by_test_id("render-error").inner_text()
    page.get_by_role("button", name="PDF maken").click()  # asked again, without the tiny limit
    page.get_by_test_id("download-pdf").wait_for(timeout=RENDER_TIMEOUT_MS)


@pytest.fixture
def small_worker(deployed):
    """A second worker as deployed, on a queue of its own, whose renders may add only 40 MB to its processes."""
    from tests.deployed import start_worker, wait_until_ready

    worker = start_worker({**deployed.env, "PDF_RENDER_MEMORY_MB": "40"}, deployed.folder, name="small", queues="small")
    wait_until_ready(worker)
    yield worker
    worker.stop()


def test_a_render_over_its_memory_limit_is_stopped_and_asking_again_works(
    deployed, deployed_page, small_worker, director
):
    """Past the cap, Python raises MemoryError (retried once, then recorded) but Pango and GLib abort the child
    (SIGSEGV, SIGTRAP): its message is redelivered, and after MAX_ATTEMPTS starts the failure is recorded."""
    seed_programme()
    seed_demo_users()
    plan = seed_demo_plan()
    pdf = PlanPDF.objects.create(plan=plan, source_sha256="0" * 64, requested_by=director)
    deployed.send(render_plan_pdf, (pdf.pk,), queue="small")
    failed = _wait_for(PlanPDF, pdf.pk, lambda p: p.status not in ("queued", "generating"), deployed, timeout=120)
    assert failed.status == PlanPDFStatus.FAILED, small_worker.output()
    assert "de 40 MB geheugen" in failed.error or "misschien was het geheugen op" in failed.error, failed.error
    assert failed.attempts == MAX_ATTEMPTS and not failed.file

    page = deployed_page
    log_in(page, "directeur", DEMO_PASSWORD)
    page.goto(plan.get_absolute_url())
    assert page.get_by_test_id("plan-pdf-error").inner_text() == failed.error
    page.get_by_role("button", name="PDF maken").click()  # the deployed worker may use its 1.5 GB
    page.get_by_test_id("download-plan-pdf").wait_for(timeout=RENDER_TIMEOUT_MS)
