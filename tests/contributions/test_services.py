"""The contribution workflow's rules, called as the pages call them: values, transitions, validation, evidence."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from actionlines.models import ActionLine
from contributions.models import Contribution, Evidence, HourlyRate, Kind, ReportingPeriod, Status, TransitionError
from contributions.selectors import contribution_history
from contributions.services import (
    MAX_EVIDENCE_BYTES,
    contribution_approve,
    contribution_create,
    contribution_delete,
    contribution_reopen,
    contribution_return,
    contribution_update,
    contributions_bulk_update,
    evidence_add,
    evidence_delete,
    likely_duplicates,
    period_close,
    period_submit,
)
from tests.conftest import stored_files
from tests.contributions.conftest import CSV, EXE, HTML, JPEG, PNG, SVG, docx, macro_workbook, plain_zip, tiny_pdf, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nov28", "rate", "english")]


@pytest.fixture
def english():
    """Messages are asserted in English here; test_the_messages_are_dutch_for_a_dutch_user checks Dutch."""
    with translation.override("en"):
        yield


def talent() -> ActionLine:
    return ActionLine.objects.get(code="talent")


def log(partner, user, **fields) -> Contribution:
    values = {
        "action_line": talent(),
        "kind": Kind.STAFF_HOURS,
        "date": date(2026, 10, 5),
        "description": "Gastles op het ROC",
        "hours": Decimal("12"),
        **fields,
    }
    return contribution_create(partner=partner, acting_user=user, **values)


def messages_of(caught) -> dict[str, list[str]]:
    return caught.value.message_dict


# --- value per kind ----------------------------------------------------------------------------------


def test_staff_hours_are_hours_times_the_rate_in_force_rounded_to_cents(nxp, nxp_rep):
    HourlyRate.objects.create(partner=nxp, rate=Decimal("95.55"), valid_from=date(2026, 10, 1))
    item = log(nxp, nxp_rep, hours=Decimal("2.25"))
    # 2.25 × 95.55 = 214.9875 → € 214.99 (the partner's own rate beats the programme rate from 1 October)
    assert (item.hourly_rate, item.value, item.amount) == (Decimal("95.55"), Decimal("214.99"), None)


@pytest.mark.parametrize("kind", [Kind.FACILITIES, Kind.MATERIALS, Kind.OTHER, Kind.MONEY])
def test_every_other_kind_is_worth_its_amount_and_has_no_hours(nxp, nxp_rep, kind):
    item = log(nxp, nxp_rep, kind=kind, hours=Decimal("8"), amount=Decimal("1234.56"))
    assert (item.value, item.hours, item.hourly_rate) == (Decimal("1234.56"), None, None)


def test_money_keeps_its_funder_and_budget_code_and_in_kind_items_drop_them(nxp, nxp_rep):
    money = log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("5000"), funder="Gemeente", budget_code="E600014-001")
    in_kind = log(nxp, nxp_rep, kind=Kind.FACILITIES, amount=Decimal("800"), funder="x", budget_code="y")
    assert (money.funder, money.budget_code) == ("Gemeente", "E600014-001")
    assert (in_kind.funder, in_kind.budget_code) == ("", "")


def test_the_rate_is_frozen_on_the_item_when_the_rate_card_changes_later(nxp, nxp_rep, director):
    item = log(nxp, nxp_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    contribution_approve(contribution=item, acting_user=director)
    HourlyRate.objects.filter(partner__isnull=True).update(rate=Decimal("75"))
    item.refresh_from_db()
    assert (item.hourly_rate, item.value) == (Decimal("60.00"), Decimal("720.00"))


# --- validation: every rule with its message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"hours": Decimal("2000.01")}, "hours", "At most 2,000 hours per entry; split longer work by period."),
        ({"hours": Decimal("0")}, "hours", "Hours must be more than zero."),
        ({"hours": Decimal("-1")}, "hours", "Hours must be more than zero."),
        ({"hours": None}, "hours", "Enter the number of hours."),
        ({"kind": Kind.MONEY, "amount": Decimal("0")}, "amount", "The amount must be more than zero."),
        ({"kind": Kind.OTHER, "amount": Decimal("-5")}, "amount", "The amount must be more than zero."),
        ({"kind": Kind.MONEY, "amount": None}, "amount", "Enter the amount in euros."),
        ({"kind": Kind.MONEY, "amount": Decimal("10000000.01")}, "amount", "At most € 10,000,000 per entry."),
        ({"date": date(2026, 11, 29)}, "date", "The date cannot be in the future."),
        ({"date": date(2025, 12, 31)}, "date", "This date is outside the period of the agreement."),
    ],
)
def test_each_rule_refuses_with_a_clear_message_on_its_field(nxp, nxp_rep, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        log(nxp, nxp_rep, **fields)
    assert message in messages_of(caught)[field]
    assert not Contribution.objects.exists()


def test_exactly_2000_hours_and_exactly_ten_million_are_accepted(nxp, nxp_rep):
    assert log(nxp, nxp_rep, hours=Decimal("2000")).value == Decimal("120000.00")
    assert log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("10000000")).value == Decimal("10000000.00")


def test_the_messages_are_dutch_for_a_dutch_user(nxp, nxp_rep):
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        log(nxp, nxp_rep, hours=Decimal("0"))
    assert messages_of(caught)["hours"] == ["Het aantal uren moet groter zijn dan nul."]


def test_staff_hours_without_a_rate_in_force_ask_the_office(nxp, nxp_rep):
    HourlyRate.objects.all().delete()
    with pytest.raises(ValidationError) as caught:
        log(nxp, nxp_rep)
    assert messages_of(caught)["hours"] == ["No hourly rate is in force on this date; ask the office."]


def test_a_closed_period_takes_no_new_or_changed_items(nxp, nxp_rep, director):
    early = log(nxp, nxp_rep, date=date(2026, 2, 3))
    with time_machine.travel("2026-05-01 10:00:00+02:00", tick=False):
        period_close(period=early.period, acting_user=director)
    with pytest.raises(ValidationError) as caught:
        log(nxp, nxp_rep, date=date(2026, 2, 10))
    assert messages_of(caught)["date"] == ["Reporting period 2026-K1 is closed; it cannot take new or changed items."]
    with pytest.raises(ValidationError):
        contribution_update(contribution=early, acting_user=nxp_rep, expected_version=1, description="x")
    with pytest.raises(ValidationError, match="is closed"):
        period_submit(partner=nxp, period=early.period, acting_user=nxp_rep)


def test_a_likely_duplicate_is_found_but_not_refused(nxp, nxp_rep, asmpt, asmpt_rep):
    first = log(nxp, nxp_rep)
    second = log(nxp, nxp_rep, description="Nog eens dezelfde gastles")
    log(nxp, nxp_rep, hours=Decimal("11"))  # another value: not a duplicate
    log(asmpt, asmpt_rep)  # another partner: not a duplicate
    assert list(likely_duplicates(second)) == [first]


# --- transitions ---------------------------------------------------------------------------------------


def test_the_whole_way_draft_submitted_returned_resubmitted_approved_reopened(nxp, nxp_rep, director, office):
    item = log(nxp, nxp_rep)
    assert item.status == Status.DRAFT
    [item] = period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    assert (item.status, item.submitted_at is not None) == (Status.SUBMITTED, True)
    item = contribution_return(contribution=item, acting_user=office, comment="Graag de urenstaat erbij.")
    assert (item.status, item.review_comment) == (Status.RETURNED, "Graag de urenstaat erbij.")
    assert item.reviewed_by == office
    item = contribution_update(
        contribution=item, acting_user=nxp_rep, expected_version=item.version, hours=Decimal("10")
    )
    [item] = period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    item = contribution_approve(contribution=item, acting_user=director)
    assert (item.status, item.value, item.reviewed_by, item.review_comment) == (
        Status.APPROVED,
        Decimal("600.00"),
        director,
        "",
    )
    item = contribution_reopen(contribution=item, acting_user=director, reason="Verkeerde actielijn.")
    assert (item.status, item.review_comment) == (Status.RETURNED, "Verkeerde actielijn.")


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.DRAFT, "approve"),
        (Status.DRAFT, "return"),
        (Status.DRAFT, "reopen"),
        (Status.SUBMITTED, "reopen"),
        (Status.APPROVED, "approve"),
        (Status.APPROVED, "return"),
        (Status.RETURNED, "approve"),
        (Status.RETURNED, "reopen"),
    ],
)
def test_each_forbidden_review_transition_is_refused_and_changes_nothing(nxp, nxp_rep, director, status, action):
    item = log(nxp, nxp_rep)
    contributions_bulk_update(contributions=Contribution.objects.filter(pk=item.pk), status=status)
    calls = {
        "approve": lambda: contribution_approve(contribution=item, acting_user=director),
        "return": lambda: contribution_return(contribution=item, acting_user=director, comment="x"),
        "reopen": lambda: contribution_reopen(contribution=item, acting_user=director, reason="x"),
    }
    with pytest.raises(TransitionError):
        calls[action]()
    assert Contribution.objects.get(pk=item.pk).status == status


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_submitting_a_submitted_or_approved_item_is_refused(nxp, nxp_rep, status):
    item = log(nxp, nxp_rep)
    item.status = status
    with pytest.raises(TransitionError):
        item.submit()


def test_submit_period_takes_only_drafts_and_returned_items_and_leaves_the_rest(nxp, nxp_rep, director):
    approved = log(nxp, nxp_rep, description="al goedgekeurd")
    period_submit(partner=nxp, period=approved.period, acting_user=nxp_rep)
    contribution_approve(contribution=approved, acting_user=director)
    draft = log(nxp, nxp_rep, hours=Decimal("3"))
    other_quarter = log(nxp, nxp_rep, date=date(2026, 9, 1))
    submitted = period_submit(partner=nxp, period=draft.period, acting_user=nxp_rep)
    assert submitted == [Contribution.objects.get(pk=draft.pk)]
    assert Contribution.objects.get(pk=other_quarter.pk).status == Status.DRAFT
    assert Contribution.objects.get(pk=approved.pk).status == Status.APPROVED
    with pytest.raises(ValidationError, match="There is nothing to submit in this period."):
        period_submit(partner=nxp, period=draft.period, acting_user=nxp_rep)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_representative_cannot_change_or_delete_a_submitted_or_approved_item(nxp, nxp_rep, status):
    item = log(nxp, nxp_rep)
    contributions_bulk_update(contributions=Contribution.objects.filter(pk=item.pk), status=status)
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        contribution_update(contribution=item, acting_user=nxp_rep, expected_version=item.version, hours=Decimal("1"))
    with pytest.raises(ValidationError, match="can no longer be changed"):
        contribution_delete(contribution=item, acting_user=nxp_rep)
    assert Contribution.objects.get(pk=item.pk).hours == Decimal("12")


def test_no_representative_can_approve_return_or_reopen_not_even_their_own(nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    for call in (
        lambda: contribution_approve(contribution=item, acting_user=nxp_rep),
        lambda: contribution_return(contribution=item, acting_user=nxp_rep, comment="x"),
        lambda: contribution_reopen(contribution=item, acting_user=nxp_rep, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Contribution.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_another_partners_representative_cannot_change_delete_or_submit(nxp, nxp_rep, asmpt_rep):
    item = log(nxp, nxp_rep)
    with pytest.raises(PermissionDenied):
        contribution_update(contribution=item, acting_user=asmpt_rep, expected_version=1, hours=Decimal("1"))
    with pytest.raises(PermissionDenied):
        contribution_delete(contribution=item, acting_user=asmpt_rep)
    with pytest.raises(PermissionDenied):
        period_submit(partner=nxp, period=item.period, acting_user=asmpt_rep)


def test_returning_and_reopening_need_a_reason(nxp, nxp_rep, director):
    item = log(nxp, nxp_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    with pytest.raises(ValidationError) as caught:
        contribution_return(contribution=item, acting_user=director, comment="   ")
    assert messages_of(caught) == {"comment": ["Say what needs to change."]}
    contribution_approve(contribution=item, acting_user=director)
    with pytest.raises(ValidationError) as caught:
        contribution_reopen(contribution=item, acting_user=director, reason="")
    assert messages_of(caught) == {"reason": ["Give the reason for reopening."]}


# --- evidence threshold --------------------------------------------------------------------------------


def test_above_the_threshold_a_period_is_only_submitted_with_evidence(nxp, nxp_rep):
    big = log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("25000.01"))
    at_threshold = log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("25000"))
    with pytest.raises(ValidationError) as caught:
        period_submit(partner=nxp, period=big.period, acting_user=nxp_rep)
    assert "€ 25.000,00" in caught.value.messages[0] or "€25,000.00" in caught.value.messages[0]
    assert Contribution.objects.filter(status=Status.SUBMITTED).count() == 0  # all or nothing
    evidence_add(contribution=big, acting_user=nxp_rep, upload=SimpleUploadedFile("factuur.pdf", tiny_pdf()))
    submitted = period_submit(partner=nxp, period=big.period, acting_user=nxp_rep)
    assert {c.pk for c in submitted} == {big.pk, at_threshold.pk}


# --- evidence files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("urenstaat.pdf", tiny_pdf(), "application/pdf", ".pdf"),
        ("foto.png", PNG, "image/png", ".png"),
        ("foto.jpeg", JPEG, "image/jpeg", ".jpg"),
        ("uren.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
        ("verslag.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
        ("uren.csv", CSV, "text/csv", ".csv"),
        ("zonder-extensie", tiny_pdf(), "application/pdf", ".pdf"),
        ("scan.csv", tiny_pdf(), "application/pdf", ".pdf"),  # the content decides, not the name
    ],
)
def test_each_accepted_type_is_stored_under_a_generated_name(nxp, nxp_rep, name, content, content_type, extension):
    item = log(nxp, nxp_rep)
    evidence = evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile(name, content))
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, content_type, len(content))
    stored = evidence.file.name
    assert stored.startswith(f"evidence/{nxp.pk}/") and stored.endswith(extension) and name not in stored
    with evidence.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("urenstaat.pdf", EXE),  # an executable renamed to .pdf
        ("plaatje.png", SVG),
        ("pagina.csv", HTML),
        ("macro.xlsx", macro_workbook()),
        ("archief.docx", plain_zip()),
        ("binair.csv", bytes(range(256)) * 4),
    ],
)
def test_other_types_are_refused_whatever_their_name(nxp, nxp_rep, name, content):
    item = log(nxp, nxp_rep)
    with pytest.raises(ValidationError) as caught:
        evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile(name, content))
    assert messages_of(caught)["file"] == [
        "This type of file is not accepted. Upload a PDF, PNG, JPEG, XLSX, DOCX or CSV file."
    ]
    assert not Evidence.objects.exists()


def test_ten_megabytes_is_accepted_and_one_byte_more_is_refused_before_storing(nxp, nxp_rep, settings):
    item = log(nxp, nxp_rep)
    pdf = tiny_pdf()
    exactly = pdf + b"\n" * (MAX_EVIDENCE_BYTES - len(pdf))
    evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("groot.pdf", exactly))
    with pytest.raises(ValidationError) as caught:
        evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("te-groot.pdf", exactly + b"\n"))
    assert messages_of(caught)["file"] == ["The file is larger than 10 MB."]
    stored = stored_files(f"evidence/{nxp.pk}")
    assert len(stored) == 1 and Evidence.objects.count() == 1


def test_an_empty_file_is_refused(nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    with pytest.raises(ValidationError) as caught:
        evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("leeg.pdf", b""))
    assert messages_of(caught)["file"] == ["The file is empty."]


def test_evidence_can_only_be_added_or_removed_while_the_item_can_change(nxp, nxp_rep, asmpt_rep):
    item = log(nxp, nxp_rep)
    evidence = evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("a.pdf", tiny_pdf()))
    with pytest.raises(PermissionDenied):
        evidence_add(contribution=item, acting_user=asmpt_rep, upload=SimpleUploadedFile("b.pdf", tiny_pdf()))
    with pytest.raises(PermissionDenied):
        evidence_delete(evidence=evidence, acting_user=asmpt_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    with pytest.raises(ValidationError):
        evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("c.pdf", tiny_pdf()))
    with pytest.raises(ValidationError):
        evidence_delete(evidence=evidence, acting_user=nxp_rep)
    assert Evidence.objects.count() == 1


def test_removing_evidence_removes_the_file_once_committed(nxp, nxp_rep, django_capture_on_commit_callbacks):
    item = log(nxp, nxp_rep)
    evidence = evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("a.pdf", tiny_pdf()))
    storage, name = evidence.file.storage, evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, acting_user=nxp_rep)
    assert not Evidence.objects.exists() and not storage.exists(name)


def test_deleting_a_contribution_deletes_its_files(nxp, nxp_rep, django_capture_on_commit_callbacks):
    item = log(nxp, nxp_rep)
    evidence = evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("a.pdf", tiny_pdf()))
    with django_capture_on_commit_callbacks(execute=True):
        contribution_delete(contribution=item, acting_user=nxp_rep)
    assert not Contribution.objects.exists() and not evidence.file.storage.exists(evidence.file.name)


# --- closing a period ------------------------------------------------------------------------------------


def test_a_period_closes_only_after_its_deadline_and_once_everything_is_reviewed(nxp, nxp_rep, director, office):
    k4 = ReportingPeriod.objects.get(name="2026-K4")
    item = log(nxp, nxp_rep)
    with pytest.raises(ValidationError, match="after its deadline"):
        period_close(period=k4, acting_user=director)
    period_submit(partner=nxp, period=k4, acting_user=nxp_rep)
    with time_machine.travel("2027-01-16 09:00:00+01:00", tick=False):
        with pytest.raises(ValidationError, match="1 contribution in this period still awaits review."):
            period_close(period=k4, acting_user=director)
        contribution_approve(contribution=item, acting_user=office)
        with pytest.raises(PermissionDenied):
            period_close(period=k4, acting_user=nxp_rep)
        closed = period_close(period=k4, acting_user=office)
    assert (closed.is_closed, closed.closed_by) == (True, office)
    with pytest.raises(ValidationError, match="already closed"):
        period_close(period=k4, acting_user=director)


# --- history -------------------------------------------------------------------------------------------------


def test_the_history_names_who_changed_what_from_what_to_what(nxp, nxp_rep, director):
    item = log(nxp, nxp_rep)
    item = contribution_update(contribution=item, acting_user=nxp_rep, expected_version=1, hours=Decimal("10"))
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    contribution_approve(contribution=item, acting_user=director)
    contribution_reopen(contribution=item, acting_user=director, reason="Verkeerd uurtarief gebruikt.")
    with translation.override("nl"):
        entries = contribution_history(item)
    assert [(e.kind, e.who) for e in entries] == [
        ("+", nxp_rep.get_full_name()),
        ("~", nxp_rep.get_full_name()),
        ("~", nxp_rep.get_full_name()),
        ("~", director.get_full_name()),
        ("~", director.get_full_name()),
    ]
    changed = {c.field: (c.old, c.new) for c in entries[1].changes}
    assert changed == {"hours": ("12,00", "10,00"), "value": ("€\u00a0720,00", "€\u00a0600,00")}
    assert [(c.old, c.new) for c in entries[3].changes] == [("Ingediend", "Goedgekeurd")]
    assert entries[4].reason == "Verkeerd uurtarief gebruikt."
    assert {c.field: c.new for c in entries[4].changes} == {
        "status": "Teruggestuurd",
        "review_comment": "Verkeerd uurtarief gebruikt.",
    }
