import io
import random
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from contributions.imports import (
    MAX_FILE_BYTES,
    ImportFileError,
    ImportResult,
    contributions_import,
    import_job_check,
    import_job_confirm,
    import_job_create,
    job_result,
    parse_contributions_file,
    parse_date,
    parse_decimal,
)
from contributions.models import Contribution, HourlyRate, ImportJob, ImportStatus, Kind, ReportingPeriod, Status

pytestmark = pytest.mark.django_db

DUTCH = ["Datum", "Actielijn", "Soort", "Uren", "Bedrag", "Omschrijving", "Financier", "Budgetcode"]
ENGLISH = ["Date", "Action line", "Kind", "Hours", "Amount", "Description", "Funder", "Budget code"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def rate(programme):
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(delimiter.join(str(c) for c in row) for row in rows).encode(encoding)


def good_rows(n: int) -> list[list]:
    rnd = random.Random(3)
    rows = []
    for i in range(n):
        day = date(2026, 1, 5) + (date(2026, 11, 20) - date(2026, 1, 5)) * i // n
        if i % 2:
            rows.append([day, "talent", "Uren", rnd.randint(1, 40), None, f"Gastles {i}", None, None])
        else:
            rows.append([day, "Marktstrategie", "Geld", None, 100 + i, f"Bijdrage {i}", "NXP", None])
    return rows


def check(data: bytes, partner, user, *, name: str = "bijdragen.xlsx") -> ImportJob:
    """Upload `data` and run the check task's function (the task itself is queued on commit)."""
    job = import_job_create(partner=partner, acting_user=user, upload=SimpleUploadedFile(name, data))
    import_job_check(job_id=job.pk)
    job.refresh_from_db()
    return job


def run(data: bytes, partner, user, *, commit: bool) -> ImportResult:
    """The check (the preview); with commit=True also the confirmation and the import task's function."""
    job = check(data, partner, user)
    if commit and job.can_be_imported:
        import_job_confirm(job=job, acting_user=user)
        contributions_import(job_id=job.pk)
        job.refresh_from_db()
    return job_result(job)


def test_one_bad_row_among_500_good_ones_imports_nothing_and_names_the_row_and_column(rate, nxp, nxp_rep):
    rows = good_rows(500)
    bad = [date(2026, 12, 24), "Talent", "Uren", 8, None, "Kerstborrel", None, None]  # in the future
    rows.insert(321, bad)
    data = xlsx([DUTCH, *rows])

    preview = run(data, nxp, nxp_rep, commit=False)
    assert [(e.row, e.column) for e in preview.errors] == [(323, "Datum")]  # header is row 1
    assert "future" in preview.errors[0].message or "toekomst" in preview.errors[0].message
    assert preview.row_count == 501

    result = run(data, nxp, nxp_rep, commit=True)
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [(323, "Datum")]
    assert Contribution.objects.count() == 0

    rows[321][0] = date(2026, 11, 24)
    fixed = xlsx([DUTCH, *rows])
    result = run(fixed, nxp, nxp_rep, commit=True)
    assert result.imported and not result.errors
    assert Contribution.objects.filter(partner=nxp, status=Status.DRAFT, created_by=nxp_rep).count() == 501
    expected_hours = sum(Decimal(r[3]) for r in rows if r[2] == "Uren")
    assert result.totals.total.hours == expected_hours
    assert result.totals.total.in_kind_value == expected_hours * 60
    assert result.totals.total.funded == sum(Decimal(r[4]) for r in rows if r[2] == "Geld")


def test_the_preview_changes_nothing(rate, nxp, nxp_rep):
    preview = run(xlsx([DUTCH, *good_rows(10)]), nxp, nxp_rep, commit=False)
    assert preview.ok and preview.totals.total.count == 10
    assert Contribution.objects.count() == 0
    assert Contribution.history.count() == 0


def test_dutch_headers_numbers_and_dates_in_a_semicolon_csv(rate, nxp, nxp_rep):
    data = csv_bytes(
        [
            DUTCH,
            ["10-03-2026", "Innovatie", "Geld", "", "€ 1.234,56", "Cofinanciering", "Gemeente Nijmegen", "E600014-001"],
            ["1-4-2026", "talent", "Uren medewerkers (in kind)", "12,5", "", "Stagebegeleiding", "", ""],
            ["2026-05-02", "Ruimte", "Faciliteiten", "", "12.500", "Vergaderruimte", "", ""],
        ],
        encoding="cp1252",  # what Dutch Excel writes
    )
    result = run(data, nxp, nxp_rep, commit=True)
    assert result.imported, result.errors
    money, hours, space = Contribution.objects.order_by("date")
    assert (money.date, money.kind, money.amount, money.funder, money.budget_code) == (
        date(2026, 3, 10),
        Kind.MONEY,
        Decimal("1234.56"),
        "Gemeente Nijmegen",
        "E600014-001",
    )
    assert (hours.date, hours.hours, hours.value, hours.action_line.code) == (
        date(2026, 4, 1),
        Decimal("12.5"),
        Decimal("750.00"),
        "talent",
    )
    assert (space.kind, space.amount) == (Kind.FACILITIES, Decimal("12500"))


def test_english_headers_numbers_and_action_line_names_in_a_comma_csv_on_the_english_page(rate, nxp, nxp_rep):
    data = csv_bytes(
        [
            ["date", "action line", "kind", "hours", "amount (€)", "description", "funder", "budget code"],
            ["2026-03-10", "Market strategy", "Money", "", '"1,234.56"', "Sponsoring", "NXP", ""],
            ["2026-03-11", "Space", "materials", "", "99.5", "Wafers", "", ""],
            ["2026-03-12", "public-affairs", "Staff hours (in kind)", "3", "", "Lobby", "", ""],
        ],
        delimiter=",",
    )
    with translation.override("en"):  # numbers are read in the page's language, as the form reads them
        result = run(data, nxp, nxp_rep, commit=True)
    assert result.imported, result.errors
    rows = list(Contribution.objects.order_by("date").values_list("action_line__code", "kind", "value"))
    assert rows == [
        ("marktstrategie", Kind.MONEY, Decimal("1234.56")),
        ("ruimte", Kind.MATERIALS, Decimal("99.50")),
        ("public-affairs", Kind.STAFF_HOURS, Decimal("180.00")),
    ]


def test_every_row_error_is_named_by_row_and_column_as_written_in_the_file(rate, nxp, nxp_rep):
    data = csv_bytes(
        [
            ["Datum", "Actielijn", "Soort", "Uren", "Bedrag", "Omschrijving"],
            ["31-02-2026", "Talent", "Uren", "4", "", "Geen datum"],
            ["2026-03-01", "Sport", "Uren", "4", "", "Onbekende lijn"],
            ["2026-03-01", "Talent", "Koffie", "4", "", "Onbekende soort"],
            ["2026-03-01", "Talent", "Uren", "veel", "", "Geen getal"],
            ["2026-03-01", "Talent", "Uren", "2500", "", "Te veel uren"],
            ["2026-03-01", "Talent", "Geld", "", "-5", "Negatief bedrag"],
            ["2026-03-01", "Talent", "Uren", "", "", "Geen uren"],
            ["2026-03-01", "Talent", "Uren", "4", "", ""],
        ]
    )
    result = run(data, nxp, nxp_rep, commit=True)
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Datum"),
        (3, "Actielijn"),
        (4, "Soort"),
        (5, "Uren"),
        (6, "Uren"),
        (7, "Bedrag"),
        (8, "Uren"),
        (9, "Omschrijving"),
    ]
    assert "Sport" in result.errors[1].message and "Talent" in result.errors[1].message
    assert Contribution.objects.count() == 0


def test_a_likely_duplicate_is_a_warning_not_an_error(rate, nxp, nxp_rep):
    row = ["2026-03-01", "Talent", "Uren", "4", "", "Gastles"]
    result = run(csv_bytes([DUTCH[:4] + ["Bedrag", "Omschrijving"], row, row]), nxp, nxp_rep, commit=True)
    assert result.imported
    assert [w.row for w in result.warnings] == [3]


def test_extra_columns_are_ignored_and_listed(rate, nxp, nxp_rep):
    parsed = parse_contributions_file(
        csv_bytes(
            [["Nummer", *DUTCH, "Status"], ["7", "2026-03-01", "Talent", "Uren", "4", "", "x", "", "", "Concept"]]
        )
    )
    assert parsed.ignored_columns == ["Nummer", "Status"]


def test_another_partners_representative_cannot_import(rate, nxp, asmpt_rep):
    with pytest.raises(PermissionDenied):
        run(csv_bytes([DUTCH, ["2026-03-01", "Talent", "Uren", "4", "", "x", "", ""]]), nxp, asmpt_rep, commit=True)
    assert Contribution.objects.count() == 0


def _broken_xlsx() -> bytes:
    return b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(3000))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \r\n  ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>", "not a CSV"),
        (bytes(random.Random(2).randrange(256) for _ in range(5000)), "not a CSV"),
        (_broken_xlsx(), "Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        (b"naam;adres;woonplaats\r\nPiet;Dorpsstraat 1;Nijmegen\r\n", "Missing"),
        (";".join(DUTCH).encode() + b"\r\n", "no rows"),
        (b"Datum;Date;Soort\r\n", "mean the same"),
        (b"a" * (MAX_FILE_BYTES + 1), "5 MB"),
    ],
    ids=["empty", "blank", "pdf", "junk", "damaged-xlsx", "xls", "wrong-columns", "header-only", "twice", "too-big"],
)
def test_an_unusable_file_gives_a_clear_message(programme, data, message):
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        parse_contributions_file(data)
    assert message in error.value.message


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_more_than_10000_rows_are_refused_with_a_dutch_number(programme, fmt):
    rows = [["2026-03-01", "Talent", "Uren", "4", "", f"Rij {i}", "", ""] for i in range(10_001)]
    data = csv_bytes([DUTCH, *rows]) if fmt == "csv" else xlsx([DUTCH, *[[None] * 8] * 300, *rows])
    with translation.override("nl"), pytest.raises(ImportFileError) as error:
        parse_contributions_file(data)
    assert "10.000" in error.value.message


def test_a_sheet_of_more_than_50000_rows_is_refused_as_too_long_not_called_damaged(programme):
    workbook = Workbook()
    for column, name in enumerate(DUTCH, start=1):
        workbook.active.cell(row=1, column=column, value=name)
    workbook.active.cell(row=2, column=1, value="2026-03-01")
    workbook.active.cell(row=60_000, column=1, value="2026-03-02")  # blank rows in between: not stored
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("nl"), pytest.raises(ImportFileError) as error:
        parse_contributions_file(buffer.getvalue())
    assert "50.000" in error.value.message and "10.000" in error.value.message
    assert "beschadigd" not in error.value.message


def test_blank_rows_in_a_spreadsheet_keep_the_row_numbers(rate, nxp, nxp_rep):
    rows = [*[[None] * 8] * 1200, [date(2026, 12, 24), "Talent", "Uren", 8, None, "Kerst", None, None]]
    result = run(xlsx([DUTCH, *rows]), nxp, nxp_rep, commit=False)
    assert [(e.row, e.column) for e in result.errors] == [(1202, "Datum")]


def test_an_xlsx_without_the_right_columns_is_refused_with_the_names_of_the_missing_ones(programme):
    with translation.override("nl"), pytest.raises(ImportFileError) as error:
        parse_contributions_file(xlsx([["Datum", "Wat"], [date(2026, 1, 1), "x"]]))
    assert "Actielijn" in error.value.message and "Omschrijving" in error.value.message


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("1.234,56", "nl", "1234.56"),
        ("1,234.56", "en", "1234.56"),
        ("12,5", "nl", "12.5"),
        ("12.5", "en", "12.5"),
        ("1.500", "nl", "1500"),
        ("1.234.567", "nl", "1234567"),
        ("1,234,567", "en", "1234567"),
        ("€ 25.000,00", "nl", "25000.00"),
        ("EUR 99", "nl", "99"),
        (" 7 ", "nl", "7"),
        (1500, "nl", "1500"),
        (0.1 + 0.2, "nl", "0.30"),
        (12.5, "en", "12.5"),
    ],
)
def test_numbers_are_read_in_the_language_of_the_import(text, language, number):
    with translation.override(language):
        assert parse_decimal(text) == Decimal(number)


@pytest.mark.parametrize("text", ["veel", "1,2,3.4.5", "12e3", "", "--1", "1.2.3,4,5", "12.5", "1,234.56"])
def test_text_that_is_no_dutch_number_is_refused(text):
    with translation.override("nl"), pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-03-10", date(2026, 3, 10)),
        ("10-03-2026", date(2026, 3, 10)),
        ("10/3/2026", date(2026, 3, 10)),
        ("10.03.2026", date(2026, 3, 10)),
        ("2026-03-10 00:00:00", date(2026, 3, 10)),
        (datetime(2026, 3, 10, 0, 0), date(2026, 3, 10)),  # noqa: DTZ001 - a spreadsheet date has no zone
        (46091, date(2026, 3, 10)),  # an Excel serial date
    ],
)
def test_dates_are_read_iso_and_dutch(value, day):
    assert parse_date(value) == day


def test_the_check_keeps_its_result_and_deletes_the_uploaded_file(rate, nxp, nxp_rep):
    job = check(csv_bytes([DUTCH, ["2026-03-01", "Talent", "Uren", "4", "", "Gastles", "", ""]]), nxp, nxp_rep)
    assert job.status == ImportStatus.READY and job.row_count == 1 and job.can_be_imported
    assert not job.file and job.rows[0]["number"] == 2
    assert import_job_check(job_id=job.pk) is None  # a second run of the task does nothing


def test_confirming_twice_imports_once(rate, nxp, nxp_rep, django_capture_on_commit_callbacks):
    job = check(csv_bytes([DUTCH, ["2026-03-01", "Talent", "Uren", "4", "", "Gastles", "", ""]]), nxp, nxp_rep)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        import_job_confirm(job=job, acting_user=nxp_rep)
        import_job_confirm(job=job, acting_user=nxp_rep)
    assert len(queued) == 1
    assert contributions_import(job_id=job.pk) is None  # the task delivered again: done already
    assert Contribution.objects.count() == 1


def test_a_row_that_no_longer_passes_at_confirmation_imports_nothing_and_shows_why(rate, nxp, nxp_rep, director):
    from contributions.services import period_close

    rows = [["2026-03-01", "Talent", "Uren", "4", "", "Gastles", "", ""]]
    rows += [["2026-06-01", "Talent", "Uren", "4", "", "Stage", "", ""]]
    job = check(csv_bytes([DUTCH, *rows]), nxp, nxp_rep)
    import_job_confirm(job=job, acting_user=nxp_rep)
    period_close(period=ReportingPeriod.objects.get(name="2026-K1"), acting_user=director)
    contributions_import(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and not job.can_be_imported
    assert [(e.row, e.column) for e in job_result(job).errors] == [(2, "Datum")]
    assert Contribution.objects.count() == 0


def test_abandoned_imports_and_their_files_are_deleted_after_a_day(rate, nxp, nxp_rep, settings):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from contributions.imports import import_jobs_delete_old
    from tests.conftest import stored_files

    # Files are stored now (the storage's own clock, also on S3); the clean-up runs two days later, when the job
    # "recent" has just been started.
    data = csv_bytes([DUTCH, ["2026-03-01", "Talent", "Uren", "4", "", "Gastles", "", ""]])
    old = import_job_create(partner=nxp, acting_user=nxp_rep, upload=SimpleUploadedFile("oud.csv", data))
    recent = import_job_create(partner=nxp, acting_user=nxp_rep, upload=SimpleUploadedFile("nieuw.csv", data))
    orphan = default_storage.save(f"imports/{nxp_rep.pk}/{'0' * 32}.upload", ContentFile(b"left behind"))
    later = default_storage.get_modified_time(orphan) + timedelta(days=2)
    ImportJob.objects.filter(pk=old.pk).update(created_at=later - timedelta(days=2))
    ImportJob.objects.filter(pk=recent.pk).update(created_at=later)

    assert import_jobs_delete_old(now=later) == 1
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert stored_files("imports") == [recent.file.name]
    assert orphan != recent.file.name and old.file.name != recent.file.name


@pytest.mark.parametrize("length", [2001, 4999, 10_000])
def test_a_description_longer_than_the_forms_rule_is_refused_with_its_row_named(rate, nxp, nxp_rep, length):
    data = csv_bytes(
        [
            ["Datum", "Actielijn", "Soort", "Uren", "Bedrag", "Omschrijving"],
            ["2026-03-01", "Talent", "Uren", "4", "", "Gastles"],
            ["2026-03-02", "Talent", "Uren", "4", "", "x" * length],
        ]
    )
    result = run(data, nxp, nxp_rep, commit=True)
    assert not result.imported and Contribution.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(3, "Omschrijving")]
    assert "2.000" in result.errors[0].message or "5.000" in result.errors[0].message


def test_a_description_of_2000_characters_with_line_breaks_imports(rate, nxp, nxp_rep):
    text = "\r\n".join(["x" * 199] * 10) + "y"  # 2,000 characters with a break counted as one (2,009 as written)
    data = xlsx([DUTCH, [date(2026, 3, 1), "Talent", "Uren", 4, None, text, None, None]])
    result = run(data, nxp, nxp_rep, commit=True)
    assert result.imported, result.errors
    assert Contribution.objects.get().description == text.replace("\r\n", "\n")
