"""The regiegroep's decision log: meetings, numbered decisions about a plan or a report, comments before the
meeting, minutes frozen once confirmed, every change in the audit trail; adopting a plan and issuing a report
rest on a decision."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actionlines import services as plan_services
from actionlines.models import ActionLine
from audit.models import Action, AuditEvent
from governance import services
from governance.models import DecisionKind, MeetingStateError, MeetingStatus
from tests.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(director, programme):
    return services.meeting_create(
        acting_user=director,
        held_on=date(2026, 3, 12),
        title="Regiegroep maart",
        attendees=[programme["nxp"], programme["gemeente-nijmegen"]],
    )


@pytest.fixture
def plan_in_review(director):
    plan = plan_services.plan_start(year=2026, acting_user=director)
    plan_services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=ActionLine.objects.get(code="talent"),
        title="Gastlessen",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 11, 30),
    )
    return plan_services.plan_send_for_review(plan=plan, acting_user=director)


def test_decisions_are_numbered_per_year_and_name_what_they_apply_to(meeting, director, plan_in_review):
    first = services.decision_record(
        meeting=meeting, acting_user=director, text="Jaarplan 2026 vastgesteld.", kind="plan", subject=plan_in_review
    )
    second = services.decision_record(
        meeting=meeting, acting_user=director, text="Begroting bijgesteld.", kind="budget"
    )
    assert (first.number, second.number) == ("2026-01", "2026-02")
    assert first.subject == plan_in_review and second.subject is None
    assert AuditEvent.objects.filter(action=Action.DECISION_RECORDED).count() == 2


def test_a_decision_about_a_plan_needs_the_plan_and_only_one_per_plan(meeting, director, plan_in_review):
    with pytest.raises(ValidationError):
        services.decision_record(meeting=meeting, acting_user=director, text="Vastgesteld.", kind="plan")
    services.decision_record(meeting=meeting, acting_user=director, text="Ja.", kind="plan", subject=plan_in_review)
    with pytest.raises(ValidationError):
        services.decision_record(
            meeting=meeting, acting_user=director, text="Nog eens.", kind="plan", subject=plan_in_review
        )


def test_adopting_a_plan_requires_the_decision_about_that_version(director, plan_in_review):
    other = DecisionFactory(kind=DecisionKind.OTHER)
    for wrong in (None, other):
        with pytest.raises(ValidationError):
            plan_services.plan_adopt(plan=plan_in_review, acting_user=director, decision=wrong)
    plan_in_review.refresh_from_db()
    assert plan_in_review.status == "in_review"
    decision = DecisionFactory(plan=plan_in_review)
    adopted = plan_services.plan_adopt(plan=plan_in_review, acting_user=director, decision=decision)
    assert adopted.is_adopted
    event = AuditEvent.objects.get(action=Action.PLAN_ADOPTED)
    assert event.details["decision"] == decision.number


def test_steering_members_comment_before_the_meeting_only(meeting, director, steering, nxp_rep):
    services.comment_add(meeting=meeting, acting_user=steering, text="Graag ook de begroting agenderen.")
    with pytest.raises(PermissionDenied):
        services.comment_add(meeting=meeting, acting_user=nxp_rep, text="Ik ook.")
    services.minutes_save(meeting=meeting, acting_user=director, minutes="Besproken: jaarplan.")
    with pytest.raises(MeetingStateError):
        services.comment_add(meeting=meeting, acting_user=steering, text="Te laat.")
    assert meeting.comments.count() == 1


def test_confirmed_minutes_freeze_the_meeting(meeting, director, steering):
    with pytest.raises(PermissionDenied):
        services.minutes_save(meeting=meeting, acting_user=steering, minutes="Niet van mij.")
    with pytest.raises(ValidationError):
        services.minutes_confirm(meeting=meeting, acting_user=director)  # nothing written yet
    services.agenda_item_add(meeting=meeting, acting_user=director, title="Jaarplan 2026")
    services.minutes_save(meeting=meeting, acting_user=director, minutes="Jaarplan besproken en vastgesteld.")
    confirmed = services.minutes_confirm(meeting=meeting, acting_user=director)
    assert confirmed.status == MeetingStatus.CONFIRMED and confirmed.confirmed_by == director
    for change in (
        lambda: services.minutes_save(meeting=meeting, acting_user=director, minutes="Anders."),
        lambda: services.agenda_item_add(meeting=meeting, acting_user=director, title="Nog een punt"),
        lambda: services.decision_record(meeting=meeting, acting_user=director, text="Laat.", kind="other"),
    ):
        with pytest.raises(MeetingStateError):
            change()
    assert AuditEvent.objects.filter(action=Action.MINUTES_CONFIRMED, target_id=str(meeting.pk)).exists()


def test_documents_are_pdf_docx_or_xlsx_by_their_content(meeting, director):
    document = services.document_add(
        meeting=meeting, acting_user=director, upload=SimpleUploadedFile("voorstel.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    assert document.content_type == "application/pdf" and document.original_name == "voorstel.pdf"
    with pytest.raises(ValidationError):
        services.document_add(
            meeting=meeting, acting_user=director, upload=SimpleUploadedFile("voorstel.pdf", b"MZ\x90\x00" * 50)
        )


def test_the_meeting_page_shows_agenda_decisions_and_takes_a_comment(client, meeting, director, steering):
    DecisionFactory(meeting=meeting, text="Het jaarplan wordt in april vastgesteld.")
    services.agenda_item_add(meeting=meeting, acting_user=director, title="Voortgang Talent")
    client.force_login(steering)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Voortgang Talent" in page and "Het jaarplan wordt in april vastgesteld." in page
    assert "Notulen vaststellen" not in page  # the steering group reads; the director records
    response = client.post(f"/regiegroep/{meeting.pk}/opmerking/", {"comment-text": "Akkoord met de agenda."})
    assert response.status_code == 302
    assert "Akkoord met de agenda." in client.get(meeting.get_absolute_url()).content.decode()


def test_the_director_records_a_meeting_and_a_decision_through_the_pages(client, director, programme):
    client.force_login(director)
    response = client.post(
        "/regiegroep/",
        {"held_on": "2026-04-09", "title": "Regiegroep april", "attendees": [programme["nxp"].pk]},
    )
    assert response.status_code == 302
    meeting_url = response["Location"]
    response = client.post(
        meeting_url + "besluit/", {"decision-text": "Startnotitie 2027 goedgekeurd.", "decision-kind": "other"}
    )
    assert response.status_code == 302
    decisions = client.get("/regiegroep/besluiten/").content.decode()
    assert "2026-01" in decisions and "Startnotitie 2027 goedgekeurd." in decisions


def test_a_decision_without_its_subject_is_refused_with_a_message(client, director):
    meeting = MeetingFactory(created_by=director)
    client.force_login(director)
    response = client.post(
        f"/regiegroep/{meeting.pk}/besluit/", {"decision-text": "Jaarplan vastgesteld.", "decision-kind": "plan"}
    )
    assert response.status_code == 400 and "utrecht-form-field--invalid" in response.content.decode()
    assert not meeting.decisions.exists()
