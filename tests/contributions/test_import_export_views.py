import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from actionlines.models import ActionLine
from contributions.models import Contribution, HourlyRate, ImportJob, ImportStatus, Kind, Status
from contributions.services import contribution_approve, contribution_create, period_submit
from tests.conftest import stored_files
from tests.contributions.test_imports import DUTCH, ENGLISH, csv_bytes, good_rows, xlsx

pytestmark = pytest.mark.django_db

IMPORT = "/bijdragen/importeren/"
EXPORT = "/bijdragen/exporteren/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def rate(programme):
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


@pytest.fixture
def tasks_on_commit(django_capture_on_commit_callbacks):
    """Run what a request queues on commit (the check and import tasks, in-process) as the request ends."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


@pytest.fixture
def upload(client, tasks_on_commit):
    def post(data: bytes, name: str = "bijdragen.xlsx", **extra):
        return tasks_on_commit(lambda: client.post(IMPORT, {"file": SimpleUploadedFile(name, data), **extra}))

    return post


@pytest.fixture
def confirm(client, tasks_on_commit):
    def post(url: str):
        return tasks_on_commit(lambda: client.post(url, {"confirm": ""}))

    return post


def english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def log(partner, user, *, line="talent", kind=Kind.STAFF_HOURS, day=date(2026, 3, 2), **values):
    values.setdefault("hours" if kind == Kind.STAFF_HOURS else "amount", Decimal("10"))
    return contribution_create(
        partner=partner,
        acting_user=user,
        action_line=ActionLine.objects.get(code=line),
        kind=kind,
        date=day,
        description=values.pop("description", "Gastles"),
        **values,
    )


def imported_files(user) -> list[str]:
    return stored_files(f"imports/{user.pk}")


# --- Import -----------------------------------------------------------------------------------------


def test_a_representative_uploads_checks_and_confirms_an_import(client, rate, nxp, nxp_rep, upload, confirm):
    client.force_login(nxp_rep)
    assert client.get(IMPORT).status_code == 200

    response = upload(xlsx([DUTCH, *good_rows(10)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    preview = client.get(job.get_absolute_url())
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Alle 10 regels zijn goed" in text
    assert "10 bijdragen importeren" in text
    assert Contribution.objects.count() == 0  # the preview saves nothing
    assert not imported_files(nxp_rep)  # the check's result is kept; the uploaded file is gone

    done = confirm(job.get_absolute_url())
    assert done.status_code == 302 and done["Location"] == job.get_absolute_url()
    finished = client.get(done["Location"])
    assert finished.status_code == 302 and finished["Location"] == "/bijdragen/?partner=nxp"
    assert Contribution.objects.filter(partner=nxp, status=Status.DRAFT).count() == 10
    assert "10 bijdragen als concept geïmporteerd" in client.get(finished["Location"]).content.decode()


def test_the_preview_is_read_from_the_kept_check_not_parsed_again(client, rate, nxp_rep, upload, monkeypatch):
    client.force_login(nxp_rep)
    upload(xlsx([DUTCH, *good_rows(10)]))
    job = ImportJob.objects.get()

    def parse_again(*args, **kwargs):
        raise AssertionError("the preview parsed the file again")

    monkeypatch.setattr("contributions.imports.parse_contributions_file", parse_again)
    for _reload in range(3):
        assert "Alle 10 regels zijn goed" in client.get(job.get_absolute_url()).content.decode()


def test_a_file_with_one_bad_row_shows_the_row_and_column_and_confirming_imports_nothing(
    client, rate, nxp, nxp_rep, upload, confirm
):
    client.force_login(nxp_rep)
    rows = good_rows(500)
    rows.insert(99, [date(2026, 3, 1), "Talent", "Uren", 2500, None, "Te veel", None, None])
    upload(xlsx([DUTCH, *rows]))
    job = ImportJob.objects.get()

    preview = client.get(job.get_absolute_url())
    assert preview.context["result"].row_count == 501
    assert [(e.row, e.column) for e in preview.context["result"].errors] == [(101, "Uren")]
    text = preview.content.decode()
    assert "Er is niets geïmporteerd" in text and "2.000 uur" in text
    assert "501 bijdragen importeren" not in text

    again = client.get(confirm(job.get_absolute_url())["Location"])
    assert again.status_code == 200
    assert [(e.row, e.column) for e in again.context["result"].errors] == [(101, "Uren")]
    assert "kan niet worden geïmporteerd" in again.content.decode()
    assert Contribution.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leeg"),
        (b"%PDF-1.4\n\x00\x01\x02 binary", "geen CSV"),
        (bytes(range(256)) * 20, "geen CSV"),
        (b"PK\x03\x04 this is no zip at all" * 10, "Excel"),
    ],
    ids=["empty", "pdf", "junk", "damaged-xlsx"],
)
def test_a_malformed_file_gives_a_message_on_the_form_not_an_error_page(client, rate, nxp_rep, data, message, upload):
    client.force_login(nxp_rep)
    response = upload(data, name="bijdragen.csv")
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists() and not imported_files(nxp_rep)


def test_a_file_without_the_columns_is_named_on_the_next_page_and_nothing_waits(client, rate, nxp_rep, upload):
    client.force_login(nxp_rep)
    response = upload(b"naam;adres\r\nPiet;Dorpsstraat 1\r\n", name="bijdragen.csv")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Ontbreekt" in page.content.decode() and "Ander bestand uploaden" in page.content.decode()
    assert ImportJob.objects.get().status == ImportStatus.FAILED and not imported_files(nxp_rep)


def test_a_file_over_5_mb_is_refused_before_it_is_read_in_full(client, rate, nxp_rep, upload):
    client.force_login(nxp_rep)
    response = upload(b"Datum;Actielijn\r\n" + b"x" * (5 * 1024 * 1024 + 10), name="groot.csv")
    assert response.status_code == 200
    assert "5 MB" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_cancelling_forgets_the_import(client, rate, nxp_rep, upload, tasks_on_commit):
    client.force_login(nxp_rep)
    upload(xlsx([DUTCH, *good_rows(3)]))
    job = ImportJob.objects.get()
    response = tasks_on_commit(lambda: client.post(job.get_absolute_url(), {"cancel": ""}))
    assert response.status_code == 302 and response["Location"] == f"{IMPORT}?partner=nxp"
    assert not ImportJob.objects.exists() and Contribution.objects.count() == 0
    assert client.get(job.get_absolute_url()).status_code == 404


def test_an_import_belongs_to_the_user_who_uploaded_it(client, rate, nxp, nxp_rep, asmpt_rep, director, upload):
    from partners.permissions import grant_partner_representative

    other_nxp_rep = type(nxp_rep).objects.create_user("rep-nxp-2")
    grant_partner_representative(user=other_nxp_rep, partner=nxp)
    client.force_login(nxp_rep)
    upload(xlsx([DUTCH, *good_rows(3)]))
    job = ImportJob.objects.get()
    for someone_else in (other_nxp_rep, asmpt_rep, director):
        client.force_login(someone_else)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.post(job.get_absolute_url(), {"confirm": ""}).status_code == 404
        assert client.get(f"{job.get_absolute_url()}voortgang/").status_code == 404
    assert Contribution.objects.count() == 0 and ImportJob.objects.get().status == ImportStatus.READY


def test_a_representative_cannot_import_for_another_partner(client, rate, asmpt, nxp_rep, upload):
    client.force_login(nxp_rep)
    response = upload(xlsx([DUTCH, *good_rows(3)]), partner=asmpt.pk)
    assert response.status_code == 200 and "partner" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_the_progress_fragment_polls_while_running_and_reloads_the_page_when_done(client, rate, nxp_rep, upload):
    client.force_login(nxp_rep)
    upload(xlsx([DUTCH, *good_rows(3)]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, progress=40, row_count=3)
    running = client.get(f"{job.get_absolute_url()}voortgang/", headers={"HX-Request": "true"})
    assert running.status_code == 200 and 'hx-trigger="every 1s"' in running.content.decode()
    assert 'value="40"' in running.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.READY)
    finished = client.get(f"{job.get_absolute_url()}voortgang/", headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_english_headers_import_through_the_page_in_english(client, rate, nxp, nxp_rep, upload, confirm):
    client.force_login(nxp_rep)
    english(client)
    data = csv_bytes(
        [ENGLISH, ["2026-03-10", "Market strategy", "Money", "", '"1,234.56"', "Sponsoring", "NXP", ""]], ","
    )
    response = upload(data, name="contributions.csv")
    preview = client.get(response["Location"])
    assert "The row is correct" in preview.content.decode()
    confirm(response["Location"])
    assert Contribution.objects.get().amount == Decimal("1234.56")


@pytest.mark.parametrize(("language", "headers"), [("nl", DUTCH), ("en", ENGLISH)])
def test_the_template_has_the_columns_in_the_users_language(client, rate, nxp_rep, language, headers):
    client.force_login(nxp_rep)
    if language == "en":
        english(client)
    response = client.get("/bijdragen/importeren/sjabloon.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == headers
    assert len(workbook.worksheets) == 2  # the instructions
    csv_template = client.get("/bijdragen/importeren/sjabloon.csv").content.decode("utf-8-sig")
    assert csv_template.strip() == (";" if language == "nl" else ",").join(headers)


def test_the_filled_in_template_imports(client, rate, nxp, nxp_rep, upload, confirm):
    client.force_login(nxp_rep)
    workbook = load_workbook(io.BytesIO(client.get("/bijdragen/importeren/sjabloon.xlsx").content))
    workbook.worksheets[0].append([datetime(2026, 5, 4), "Talent", "Uren", 6, None, "Gastles", None, None])  # noqa: DTZ001
    buffer = io.BytesIO()
    workbook.save(buffer)
    confirm(upload(buffer.getvalue())["Location"])
    assert Contribution.objects.get().value == Decimal("360.00")


# --- Export -----------------------------------------------------------------------------------------


@pytest.fixture
def items(rate, nxp, asmpt, nxp_rep, asmpt_rep, director):
    hours = log(nxp, nxp_rep, hours=Decimal("12.5"), description="Gastles")
    money = log(nxp, nxp_rep, line="marktstrategie", kind=Kind.MONEY, amount=Decimal("1234.56"), funder="NXP")
    period_submit(partner=nxp, period=hours.period, acting_user=nxp_rep)
    contribution_approve(contribution=hours, acting_user=director)
    draft = log(nxp, nxp_rep, day=date(2026, 10, 5), kind=Kind.MATERIALS, amount=Decimal("99.95"))
    theirs = log(asmpt, asmpt_rep, amount=Decimal("5"), kind=Kind.OTHER, description="ASMPT")
    return {"hours": hours, "money": money, "draft": draft, "theirs": theirs}


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True)), workbook


def test_the_representative_exports_their_filtered_list_as_xlsx_with_numbers_and_dates(client, items, nxp_rep):
    client.force_login(nxp_rep)
    response = client.get(EXPORT, {"status": Status.SUBMITTED})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bijdragen-2026-11-28.xlsx"')
    rows, workbook = xlsx_rows(response)
    header, *data = rows
    assert header[:6] == ("Nummer", "Partner", "Datum", "Periode", "Actielijn", "Soort")
    assert [r[0] for r in data] == [items["money"].pk]  # the filter, and only NXP's
    money = data[0]
    assert money[2] == datetime(2026, 3, 2)  # noqa: DTZ001 - a date cell, not text
    assert money[8] == pytest.approx(1234.56) and isinstance(money[8], float)
    assert money[9] == pytest.approx(1234.56)
    sheet = workbook.worksheets[0]
    assert sheet.cell(row=2, column=3).number_format == "DD-MM-YYYY"
    assert sheet.cell(row=2, column=10).number_format == "#,##0.00"
    assert money[13] == "Ingediend"
    totals = list(workbook["Totalen"].iter_rows(values_only=True))
    assert totals[-1][:2] == ("Totaal", 1) and totals[-1][4] == pytest.approx(1234.56)


def test_every_number_and_date_of_the_xlsx_export_is_a_real_cell_with_its_format(client, items, nxp_rep):
    client.force_login(nxp_rep)
    _rows, workbook = xlsx_rows(client.get(EXPORT))
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.cell(row=1, column=1).font.b
    by_id = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    assert set(by_id) == {items["hours"].pk, items["money"].pk, items["draft"].pk}
    hours = by_id[items["hours"].pk]
    assert isinstance(sheet.cell(row=hours, column=1).value, int)
    assert sheet.cell(row=hours, column=3).is_date and sheet.cell(row=hours, column=3).number_format == "DD-MM-YYYY"
    for column, expected in ((7, 12.5), (8, 60), (10, 750)):  # hours, hourly rate, value
        cell = sheet.cell(row=hours, column=column)
        assert cell.data_type == "n" and cell.value == pytest.approx(expected) and cell.number_format == "#,##0.00"
    assert sheet.cell(row=hours, column=9).value is None  # no amount for hours: an empty cell, not 0
    assert sheet.cell(row=hours, column=6).value == "Uren medewerkers (in kind)"  # the kind in Dutch
    totals = workbook["Totalen"]
    last = totals.max_row
    assert [totals.cell(row=last, column=c).number_format for c in (3, 4, 5, 6)] == ["#,##0.00"] * 4
    assert totals.cell(row=last, column=3).value == pytest.approx(12.5)


def test_text_that_looks_like_a_formula_or_a_link_stays_text_in_the_xlsx_export(client, rate, nxp, nxp_rep):
    formula = log(nxp, nxp_rep, description='=HYPERLINK("https://example.org","klik")')
    link = log(nxp, nxp_rep, description="https://example.org/verslag", day=date(2026, 3, 3))
    client.force_login(nxp_rep)
    _rows, workbook = xlsx_rows(client.get(EXPORT))
    sheet = workbook.worksheets[0]
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=11) for r in (2, 3)}
    assert cells[formula.pk].data_type == "s" and cells[formula.pk].value.startswith("=HYPERLINK(")
    assert cells[link.pk].data_type == "s" and cells[link.pk].hyperlink is None


def test_the_export_in_english_has_english_headers_and_iso_dates(client, items, nxp_rep):
    client.force_login(nxp_rep)
    english(client)
    rows, workbook = xlsx_rows(client.get(EXPORT, {"kind": Kind.STAFF_HOURS}))
    assert rows[0][:6] == ("Number", "Partner", "Date", "Period", "Action line", "Kind")
    assert rows[1][6] == pytest.approx(12.5) and rows[1][7] == pytest.approx(60) and rows[1][9] == pytest.approx(750)
    assert workbook.worksheets[0].cell(row=2, column=3).number_format == "YYYY-MM-DD"


def test_the_csv_export_streams_dutch_numbers_with_semicolons(client, items, nxp_rep):
    client.force_login(nxp_rep)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Nummer", "Partner", "Datum"]
    by_id = {int(line[0]): line for line in lines[1:]}
    assert set(by_id) == {items["hours"].pk, items["money"].pk, items["draft"].pk}
    assert by_id[items["money"].pk][8] == "1234,56" and by_id[items["money"].pk][2] == "2026-03-02"
    assert by_id[items["hours"].pk][6] == "12,50"


def test_the_director_exports_across_partners_and_the_steering_group_never_sees_drafts(
    client, items, director, steering
):
    client.force_login(director)
    rows, _workbook = xlsx_rows(client.get(EXPORT))
    assert {r[1] for r in rows[1:]} == {"NXP", "ASMPT"} and len(rows) == 5
    client.force_login(steering)
    rows, _workbook = xlsx_rows(client.get(EXPORT))
    assert sorted(r[0] for r in rows[1:]) == sorted([items["hours"].pk, items["money"].pk])


def test_an_exported_csv_imports_again(client, items, nxp, nxp_rep, upload):
    client.force_login(nxp_rep)
    exported = b"".join(client.get(EXPORT, {"format": "csv"}).streaming_content)
    preview = client.get(upload(exported, name="export.csv")["Location"])
    result = preview.context["result"]
    assert result.ok and result.row_count == 3
    assert set(preview.context["job"].ignored_columns) >= {"Nummer", "Status", "Waarde"}
    assert len(result.warnings) == 3  # each row is a likely duplicate of the item it came from


def test_the_export_query_count_does_not_grow_with_the_rows(client, items, nxp, nxp_rep, django_assert_max_num_queries):
    client.force_login(nxp_rep)
    with django_assert_max_num_queries(12) as few:
        b"".join(client.get(EXPORT).streaming_content)
    for day in range(1, 40):
        log(nxp, nxp_rep, day=date(2026, 5, 1 + day % 28), amount=Decimal(day), kind=Kind.OTHER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(client.get(EXPORT).streaming_content)


# Text a spreadsheet would evaluate is quoted in the CSV (lifeport.lib.spreadsheet) and a string cell in the XLSX;
# the import takes the CSV's quote off again, and only that quote ('hello keeps its own).
ROUND_TRIP = ["=1+1", "@SUM(A1)", "+31 6 12345678", "-", "-5", "'hello", "'=1+1", '=HYPERLINK("https://x.org","k")']


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_comes_back_exactly_through_an_export_and_an_import(
    client, rate, nxp, nxp_rep, fmt, upload, confirm
):
    made = [
        log(
            nxp,
            nxp_rep,
            kind=Kind.MONEY,
            amount=Decimal(10 + n),
            funder=text,
            description=text,
            day=date(2026, 3, n + 1),
        )
        for n, text in enumerate(ROUND_TRIP)
    ]
    client.force_login(nxp_rep)
    exported = b"".join(client.get(EXPORT, {"format": fmt}).streaming_content)
    assert confirm(upload(exported, name=f"export.{fmt}")["Location"]).status_code == 302
    imported = Contribution.objects.exclude(pk__in=[c.pk for c in made])
    assert sorted(imported.values_list("description", "funder")) == sorted((text, text) for text in ROUND_TRIP)


@pytest.mark.parametrize("who", ["nxp_rep", "asmpt_rep", "director", "steering", "talent_lead"])
@pytest.mark.parametrize("query", [{}, {"partner": "asmpt", "status": Status.SUBMITTED}])
def test_the_export_holds_exactly_the_rows_the_list_shows_that_reader(client, items, who, query, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get("/bijdragen/", query).context["page"]
    listed = {int(row["url"].rstrip("/").rsplit("/", 1)[1]) for row in page.rows}
    lines = _csv_lines(client.get(EXPORT, {**query, "format": "csv"}))
    rows, _workbook = xlsx_rows(client.get(EXPORT, query))
    assert {int(line[0]) for line in lines[1:]} == listed == {row[0] for row in rows[1:]}


def _csv_lines(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))


def test_a_list_too_large_for_one_download_sends_the_reader_back_to_narrow_it(client, items, nxp_rep, monkeypatch):
    from audit.models import Action, AuditEvent
    from contributions import exports

    monkeypatch.setattr(exports, "MAX_EXPORT_ROWS", 2)  # NXP's list holds 3 rows; 100,000 in production
    client.force_login(nxp_rep)
    for fmt in ("csv", "xlsx"):
        response = client.get(EXPORT, {"format": fmt, "kind": ""})
        assert response.status_code == 302 and response["Location"] == "/bijdragen/?kind="
    page = client.get(response["Location"]).content.decode()
    assert "meer dan 2 bijdragen" in page
    assert not AuditEvent.objects.filter(action=Action.EXPORTED).exists()
    narrowed = client.get(EXPORT, {"format": "csv", "status": Status.SUBMITTED})
    assert narrowed.status_code == 200 and len(_csv_lines(narrowed)) == 1 + 1
