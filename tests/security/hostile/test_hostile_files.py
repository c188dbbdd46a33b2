"""Hostile files through every upload and import path: each gets a clear refusal or a bounded result.

Every file of `CASES` goes through the evidence upload, the import's upload and check (the preview) and its
confirmation, as a representative in the browser would. The big ones are also run in a forked process as
an idle worker would run them (tests/security/hostile/measure.py): the peak memory above that worker and
the time of each path are measured and bounded, and printed (`pytest -s`) for the closing note.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.message import Message

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from contributions import imports
from contributions.models import Contribution, Evidence, HourlyRate, ImportJob, ImportStatus
from lifeport.lib import uploads
from tests.factories import ContributionFactory
from tests.security.hostile import files
from tests.security.hostile.measure import measure

pytestmark = pytest.mark.django_db

# A refusal is cheap; a bounded result (a file that is read) stays within what a worker may spend.
REFUSAL_MB, REFUSAL_SECONDS = 300, 5
BOUNDED_MB, BOUNDED_SECONDS = 300, 15


@dataclass(frozen=True)
class Case:
    name: str
    make: object  # () -> bytes
    filename: str
    evidence: str  # "refused: <text in the message>" or "accepted"
    upload: str  # "refused: <text in the form's message>" or "kept"
    check: str = ""  # after a kept upload: "failed: <text>", "errors: <text>" or "ready: <rows>"
    measured: bool = False


REFUSED_TYPE = "refused: Dit soort bestand"
CASES = [
    Case(
        "zip bomb as XLSX (1 GiB of spaces)",
        files.zip_bomb_xlsx,
        "uren.xlsx",
        "refused: pakt uit",
        "refused: pakt uit",
        measured=True,
    ),
    Case(
        "zip bomb as DOCX (1 GiB of spaces)",
        files.zip_bomb_docx,
        "uren.docx",
        "refused: pakt uit",
        "refused: pakt uit",
        measured=True,
    ),
    Case(
        "[Content_Types].xml of 1 GiB",
        files.content_types_bomb_xlsx,
        "uren.xlsx",
        "refused: pakt uit",
        "refused: pakt uit",
        measured=True,
    ),
    Case("a zip inside the zip", files.nested_zip_xlsx, "uren.xlsx", "refused: ingepakt", "refused: ingepakt"),
    Case(
        "dimension A1:XFD1048576, 21,000 rows",
        files.dimension_xlsx,
        "uren.xlsx",
        "accepted",
        "kept",
        "ready: 1000",
        measured=True,
    ),
    Case("a cell at column XFD", files.wide_row_xlsx, "uren.xlsx", "accepted", "kept", "ready: 1"),
    Case(
        "sharedStrings.xml of 85 MB",
        files.huge_shared_strings_xlsx,
        "uren.xlsx",
        "refused: pakt uit",
        "refused: pakt uit",
        measured=True,
    ),
    Case(
        "350,000 shared strings (8 MB)",
        files.many_shared_strings_xlsx,
        "uren.xlsx",
        "accepted",
        "kept",
        "failed: 100.000",
        measured=True,
    ),
    Case(
        "billion laughs in the sheet",
        files.billion_laughs_xlsx,
        "uren.xlsx",
        "accepted",
        "kept",
        "failed: entiteit",
        measured=True,
    ),
    Case(
        "header of 60,000 '(' (CSV)",
        files.paren_header_csv,
        "uren.csv",
        "accepted",
        "kept",
        "failed: kolom I",
        measured=True,
    ),
    Case(
        "header of 60,000 '(' (XLSX)",
        files.paren_header_xlsx,
        "uren.xlsx",
        "accepted",
        "kept",
        "failed: kolom I",
        measured=True,
    ),
    Case(
        "1,000,000-character cell (XLSX)",
        files.long_cell_xlsx,
        "uren.xlsx",
        "accepted",
        "kept",
        "errors: meer dan 5.000 tekens",
        measured=True,
    ),
    Case(
        "1,000,000-character cell (CSV)",
        files.long_cell_csv,
        "uren.csv",
        "accepted",
        "kept",
        "errors: meer dan 5.000 tekens",
        measured=True,
    ),
    Case(
        "1,000,000-character header",
        files.long_header_xlsx,
        "uren.xlsx",
        "accepted",
        "kept",
        "failed: kolom F",
        measured=True,
    ),
    Case("formula cells (XLSX)", files.formula_xlsx, "uren.xlsx", "accepted", "kept", "errors: =1+1"),
    Case("formula cell (CSV)", files.formula_csv, "uren.csv", "accepted", "kept", "ready: 1"),
    Case("CSV of 60,000 rows", files.csv_60000_rows, "uren.csv", "accepted", "kept", "failed: 10.000", measured=True),
    Case("a binary named .csv", files.binary_csv, "uren.csv", REFUSED_TYPE, "refused: geen CSV", measured=True),
]
IDS = [case.name for case in CASES]


@pytest.fixture(autouse=True)
def _today_in_dutch():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False), translation.override("nl"):
        yield


@pytest.fixture
def rate(programme):
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


@pytest.fixture
def draft(nxp, nxp_rep):
    return ContributionFactory(partner=nxp, created_by=nxp_rep)


def _expected(text: str) -> tuple[str, str]:
    kind, _colon, detail = text.partition(": ")
    return kind, detail


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_hostile_file_as_evidence_is_refused_clearly_or_kept_as_it_is(client, nxp_rep, draft, case):
    client.force_login(nxp_rep)
    response = client.post(f"/bijdragen/{draft.pk}/bewijs/", {"file": SimpleUploadedFile(case.filename, case.make())})
    kind, message = _expected(case.evidence)
    if kind == "refused":
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["file"])
        assert not Evidence.objects.exists()
    else:
        assert response.status_code == 302
        assert Evidence.objects.get().size == len(case.make())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_hostile_file_to_import_is_refused_clearly_or_checked_within_bounds(
    client, rate, nxp_rep, case, django_capture_on_commit_callbacks
):
    client.force_login(nxp_rep)
    with django_capture_on_commit_callbacks(execute=True):  # the check task runs as the request ends
        response = client.post("/bijdragen/importeren/", {"file": SimpleUploadedFile(case.filename, case.make())})
    kind, message = _expected(case.upload)
    if kind == "refused":
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["file"])
        assert not ImportJob.objects.exists()
        return
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    kind, detail = _expected(case.check)
    if kind == "failed":
        assert job.__class__.objects.get().status == ImportStatus.FAILED
        assert detail in page.context["job"].error and page.context["job"].error in page.content.decode()
    elif kind == "errors":
        assert any(detail in error.message for error in page.context["result"].errors)
    else:
        assert page.context["job"].can_be_imported and page.context["result"].row_count == int(detail)
    assert not (job.file and job.file.storage.exists(job.file.name)), "the upload is not kept once checked"

    # Confirming: a refused or wrong file imports nothing; a readable one imports its rows, as text.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), {"confirm": ""})
    imported = Contribution.objects.count()
    assert imported == (int(detail) if kind == "ready" else 0)


def test_a_formula_is_imported_as_the_text_it_is_never_as_its_result(rate, nxp, nxp_rep):
    job = imports.import_job_create(
        partner=nxp,
        acting_user=nxp_rep,
        upload=SimpleUploadedFile("formule.csv", files.formula_csv()),
    )
    imports.import_job_check(job_id=job.pk)
    imports.import_job_confirm(job=ImportJob.objects.get(pk=job.pk), acting_user=nxp_rep)
    imports.contributions_import(job_id=job.pk)
    assert Contribution.objects.get().description == files.FORMULA


@pytest.mark.parametrize("name", files.HOSTILE_NAMES)
def test_a_hostile_file_name_is_kept_as_a_clean_label_and_downloads_under_a_safe_name(client, nxp_rep, draft, name):
    from tests.contributions.conftest import tiny_pdf

    client.force_login(nxp_rep)
    assert (
        client.post(f"/bijdragen/{draft.pk}/bewijs/", {"file": SimpleUploadedFile(name, tiny_pdf())}).status_code == 302
    )
    label = Evidence.objects.get().original_name
    assert all(ch.isprintable() and ch not in "\u202e\u2066\u2069\u200e" for ch in label), repr(label)
    assert label.endswith((".exe", ".pdf"))
    disposition = client.get(Evidence.objects.get().get_absolute_url())["Content-Disposition"]
    assert all(32 <= ord(ch) < 127 for ch in disposition), disposition  # ASCII, names encoded (RFC 5987)
    assert "%E2%80%AE" not in disposition.upper() and "\r" not in disposition and "\n" not in disposition
    header = Message()
    header["Content-Disposition"] = disposition
    assert [key for key, _value in header.get_params(header="content-disposition")[1:]] in (["filename"], ["filename*"])


def test_an_import_keeps_a_clean_file_name_as_its_label(client, rate, nxp_rep):
    client.force_login(nxp_rep)
    client.post("/bijdragen/importeren/", {"file": SimpleUploadedFile("bij\u202edragen\x07.csv", files.formula_csv())})
    assert ImportJob.objects.get().file_name == "bijdragen.csv"


# --- Measured in a forked worker ------------------------------------------------------------------------


def _evidence(case: Case) -> str:
    try:
        kind = uploads.detect_file_type(SimpleUploadedFile(case.filename, case.make()))
    except uploads.UnsafeFile as error:
        return f"refused: {error.message}"
    return f"ok: {kind}" if kind else "refused: type not accepted"


def _upload(case: Case) -> str:
    refusal = imports.upload_refusal(case.make())
    return f"refused: {refusal}" if refusal else "ok: kept"


def _check(case: Case, lookups: imports.Lookups) -> str:
    try:
        parsed = imports.parse_contributions_file(case.make(), lookups=lookups)
    except imports.ImportFileError as error:
        return f"refused: {error.message}"
    problems = sum(len(row.errors) for row in parsed.rows)
    return f"ok: {len(parsed.rows)} rows, {problems} cell problems"


@pytest.mark.parametrize("case", [c for c in CASES if c.measured], ids=[c.name for c in CASES if c.measured])
def test_a_worker_refuses_or_reads_each_big_hostile_file_within_memory_and_time_bounds(programme, case):
    case.make()  # built here, not in the measured child
    lookups = imports.Lookups.load()  # read from the database here: the child reads none
    paths = {"evidence upload": lambda: _evidence(case), "import upload": lambda: _upload(case)}
    if case.upload == "kept":
        paths["import check"] = lambda: _check(case, lookups)
    for path, work in paths.items():
        with translation.override("nl"):
            result = measure(work)
        refused = result.outcome.startswith("refused")
        print(f"| {case.name} | {path} | {result.outcome[:70]} | {result.peak_mb:.0f} MB | {result.seconds:.2f} s |")
        assert result.outcome.startswith(("refused", "ok")), (path, result)
        assert not math.isnan(result.peak_mb)
        assert result.peak_mb < (REFUSAL_MB if refused else BOUNDED_MB), (path, result)
        assert result.seconds < (REFUSAL_SECONDS if refused else BOUNDED_SECONDS), (path, result)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("rapport\u202efdp.exe", "rapportfdp.exe"),
        ("uren\r\nX-Evil: 1.pdf", "urenX-Evil: 1.pdf"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("\u202e\x00", "bestand"),
        ("  rapport   maart .pdf ", "rapport maart .pdf"),
    ],
)
def test_a_file_name_becomes_a_label_without_control_or_direction_characters(name, label):
    assert uploads.clean_file_name(name, default="bestand") == label


def test_bracketed_text_is_dropped_from_a_column_name_in_linear_time():
    import time

    assert imports._normalise("Bedrag (€) [excl. btw]") == "bedrag"
    started = time.perf_counter()
    imports._normalise("(" * 200_000 + "[" * 200_000)
    assert time.perf_counter() - started < 1  # a non-greedy \(.*?\) took minutes here
