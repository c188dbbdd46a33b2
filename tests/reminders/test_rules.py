"""Each rule, on both sides of its lead time, and the ways a reminder is not sent."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from actionlines.models import ActionLine, Activity, AnnualPlan, Milestone, MilestoneStatus, PlanStatus
from contributions.models import Contribution, ReportingPeriod
from contributions.services import contributions_bulk_update
from partners.models import Agreement, Profile, Role
from partners.permissions import revoke_partner_representative
from reminders.models import LeadTimes, Preference, Reminder
from reminders.services import reminders_run
from tests.factories import UserFactory
from tests.reminders.conftest import AMSTERDAM, contribution

pytestmark = pytest.mark.django_db

K1_DEADLINE = date(2026, 4, 15)


def _to(outbox=None) -> list[str]:
    return sorted(message.to[0] for message in (outbox if outbox is not None else mail.outbox))


# --- Reporting period deadlines ---------------------------------------------------------------------


def test_representatives_of_partners_with_nothing_submitted_are_reminded_7_and_1_days_before(
    run_job, nxp, asmpt, nxp_rep, asmpt_rep
):
    assert run_job(date(2026, 4, 7)) == 0
    run_job(date(2026, 4, 8))
    assert _to() == ["rep-asmpt@example.org", "rep-nxp@example.org"]
    assert run_job(date(2026, 4, 9)) == 0
    assert run_job(date(2026, 4, 13)) == 0
    mail.outbox.clear()
    run_job(date(2026, 4, 14))
    assert _to() == ["rep-asmpt@example.org", "rep-nxp@example.org"]
    assert run_job(date(2026, 4, 15)) == 0
    assert "15 april 2026" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "status, reminded", [("draft", True), ("returned", True), ("submitted", False), ("approved", False)]
)
def test_only_submitted_or_approved_contributions_count_as_submitted(run_job, nxp, nxp_rep, status, reminded):
    contribution(nxp, status=status)
    run_job(date(2026, 4, 8))
    assert _to() == (["rep-nxp@example.org"] if reminded else [])


def test_a_representative_of_two_partners_hears_only_about_the_one_that_is_missing(run_job, nxp, asmpt):
    both = UserFactory(username="both", partner=nxp)
    UserFactory(username="both", partner=asmpt)
    contribution(nxp, status="submitted")
    run_job(date(2026, 4, 8))
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("both@example.org", "Dien de bijdragen van ASMPT over 2026-K1 in vóór 15 april 2026")
    ]
    assert Reminder.objects.get().recipient == both


def test_a_closed_period_sends_no_reminders(run_job, nxp, nxp_rep):
    ReportingPeriod.objects.filter(deadline=K1_DEADLINE).update(closed_at=timezone.now())
    assert run_job(date(2026, 4, 8)) == 0


def test_the_day_after_the_deadline_the_director_gets_one_list_of_the_missing_partners(
    run_job, programme, director, office, nxp_rep
):
    for slug in ["gemeente-nijmegen", "provincie-gelderland", "radboud-universiteit", "roc-nijmegen", "asmpt"]:
        contribution(programme[slug], status="approved")
    assert run_job(date(2026, 4, 15)) == 0
    run_job(date(2026, 4, 16))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["director@example.org"]
    assert message.subject == "Rapportageperiode 2026-K1: 2 partners hebben niets ingediend"
    assert "- NXP\n- The Economic Board\n" in message.body
    assert "<li>NXP</li>" in message.alternatives[0][0]
    assert run_job(date(2026, 4, 17)) == 0


def test_no_escalation_when_every_partner_submitted(run_job, programme, director):
    for slug in ["gemeente-nijmegen", "provincie-gelderland", "radboud-universiteit", "roc-nijmegen", "asmpt", "nxp"]:
        contribution(programme[slug], status="submitted")
    contribution(programme["the-economic-board"], status="approved")
    assert run_job(date(2026, 4, 16)) == 0


def test_lead_times_come_from_the_database(run_job, nxp, nxp_rep):
    LeadTimes.objects.create(pk=1, period_due_days="10,3")
    assert run_job(date(2026, 4, 8)) == 0
    assert run_job(date(2026, 4, 5)) == 1
    assert run_job(date(2026, 4, 12)) == 1


# --- Returned contributions ---------------------------------------------------------------------------


def _returned_on(day: date):
    # Half past midnight in Amsterdam: still the day before in UTC.
    return datetime.combine(day, time(0, 30), tzinfo=AMSTERDAM)


def test_a_returned_contribution_not_resubmitted_after_5_days_goes_to_the_partners_representatives(
    run_job, nxp, nxp_rep, asmpt_rep
):
    second = UserFactory(username="rep-nxp-2", partner=nxp)
    item = contribution(nxp, status="returned", reviewed_at=_returned_on(date(2026, 5, 4)), review_comment="Urenstaat?")
    assert run_job(date(2026, 5, 8)) == 0
    run_job(date(2026, 5, 9))
    assert _to() == ["rep-nxp-2@example.org", "rep-nxp@example.org"]
    assert "Urenstaat?" in mail.outbox[0].body
    assert item.get_absolute_url() in mail.outbox[0].body
    assert run_job(date(2026, 5, 10)) == 0
    assert second.reminders.get().lead_days == -5


def test_a_contribution_resubmitted_in_time_is_not_chased(run_job, nxp, nxp_rep):
    item = contribution(nxp, status="returned", reviewed_at=_returned_on(date(2026, 5, 4)))
    contributions_bulk_update(contributions=Contribution.objects.filter(pk=item.pk), status="submitted")
    assert run_job(date(2026, 5, 9)) == 0


# --- The agreement's end -------------------------------------------------------------------------------


def test_the_agreement_end_goes_to_the_director_and_steering_group_not_to_others(
    run_job, director, office, steering, nxp_rep, observer
):
    for day in [date(2026, 7, 3), date(2026, 7, 5), date(2026, 12, 23), date(2026, 12, 25), date(2026, 12, 31)]:
        assert run_job(day) == 0, day
    for day in [date(2026, 7, 4), date(2026, 10, 2), date(2026, 11, 1), date(2026, 12, 1), date(2026, 12, 24)]:
        mail.outbox.clear()
        run_job(day)
        countdown = [m for m in mail.outbox if "loopt over" in m.subject]
        assert _to(countdown) == ["director@example.org", "steering@example.org"], day
    assert "Intentieverklaring Lifeport Semicon Regiegroep 2026 loopt over 7 dagen af" == mail.outbox[0].subject
    assert "Er is nog geen opvolgende overeenkomst vastgelegd" in mail.outbox[0].body


def test_the_agreement_end_says_when_a_successor_is_recorded(run_job, director):
    Agreement.objects.create(
        title="Samenwerkingsovereenkomst 2027", starts_on=date(2027, 1, 1), ends_on=date(2030, 12, 31)
    )
    run_job(date(2026, 12, 24))
    assert "Er is een opvolgende overeenkomst vastgelegd: Samenwerkingsovereenkomst 2027, vanaf 1 januari 2027." in (
        mail.outbox[0].body
    )
    mail.outbox.clear()
    assert run_job(date(2027, 1, 1)) == 0


def test_the_day_after_the_end_without_a_successor_contributions_can_no_longer_be_logged(run_job, director, steering):
    run_job(date(2027, 1, 1))
    assert _to() == ["director@example.org", "steering@example.org"]
    assert mail.outbox[0].subject == "Intentieverklaring Lifeport Semicon Regiegroep 2026 is afgelopen zonder opvolger"
    assert "Bijdragen met een datum na 31 december 2026 kunnen er niet meer op worden geboekt." in mail.outbox[0].body
    assert Reminder.objects.get(recipient=director).essential
    assert not Reminder.objects.get(recipient=steering).essential
    assert run_job(date(2027, 1, 2)) == 0


# --- Milestones and the annual plan ----------------------------------------------------------------------


@pytest.fixture
def plan(programme) -> AnnualPlan:
    return AnnualPlan.objects.create(year=2026, status=PlanStatus.ADOPTED, adopted_at=timezone.now())


def _milestone(plan, *, owner=None, due=date(2026, 6, 30), line="talent", status=MilestoneStatus.PLANNED, **extra):
    activity = Activity.objects.create(
        plan=plan,
        action_line=ActionLine.objects.get(code=line),
        title="Leerlijn",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        budget=Decimal("0"),
    )
    return Milestone.objects.create(
        activity=activity, title="Leerlijn vastgesteld", due_on=due, owner=owner, status=status, **extra
    )


def test_a_milestone_owner_is_reminded_14_days_before_and_on_the_day(run_job, plan, director, talent_lead):
    owner = UserFactory(username="owner")
    _milestone(plan, owner=owner)
    for day in [date(2026, 6, 15), date(2026, 6, 17), date(2026, 6, 29)]:
        assert run_job(day) == 0, day
    run_job(date(2026, 6, 16))
    run_job(date(2026, 6, 30))
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("owner@example.org", "Mijlpaal ‘Leerlijn vastgesteld’ moet op 30 juni 2026 bereikt zijn"),
        ("owner@example.org", "Mijlpaal ‘Leerlijn vastgesteld’ moet vandaag bereikt zijn"),
    ]


def test_without_an_owner_the_leads_of_the_line_are_reminded(run_job, plan, talent_lead):
    _milestone(plan, owner=None)
    run_job(date(2026, 6, 16))
    assert _to() == ["lead-talent@example.org"]


def test_a_late_milestone_goes_weekly_to_owner_and_director(run_job, plan, director):
    owner = UserFactory(username="owner")
    _milestone(plan, owner=owner)
    for offset in range(1, 23):
        run_job(date(2026, 6, 30) + timedelta(days=offset))
    late = Reminder.objects.filter(rule="milestone_late")
    assert sorted({timezone.localdate(r.sent_at) for r in late}) == [
        date(2026, 7, 1),
        date(2026, 7, 8),
        date(2026, 7, 15),
        date(2026, 7, 22),
    ]
    late_mail = [m for m in mail.outbox if "te laat" in m.subject]
    assert _to(late_mail) == sorted(["director@example.org", "owner@example.org"] * 4)
    assert late_mail[-1].subject == "Mijlpaal ‘Leerlijn vastgesteld’ is 22 dagen te laat"
    assert set(late.filter(recipient=director).values_list("essential", flat=True)) == {True}
    assert set(late.filter(recipient=owner).values_list("essential", flat=True)) == {False}


def test_a_done_milestone_or_one_in_a_draft_plan_is_not_reminded(run_job, plan, director):
    owner = UserFactory(username="owner")
    _milestone(plan, owner=owner, status=MilestoneStatus.DONE, done_on=date(2026, 6, 1))
    draft = AnnualPlan.objects.create(year=2027, status=PlanStatus.DRAFT)
    _milestone(draft, owner=owner)
    for day in [date(2026, 6, 16), date(2026, 6, 30), date(2026, 7, 1)]:
        assert run_job(day) == 0


def test_the_director_hears_on_1_december_when_next_years_plan_is_not_adopted(run_job, director, steering):
    AnnualPlan.objects.create(year=2027, status=PlanStatus.IN_REVIEW)
    assert run_job(date(2026, 11, 30)) == 0
    run_job(date(2026, 12, 1))
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert ("director@example.org", "Het jaarplan 2027 is niet vastgesteld") in subjects
    assert not any(s == "Het jaarplan 2027 is niet vastgesteld" for to, s in subjects if to != "director@example.org")


def test_no_annual_plan_reminder_when_next_years_plan_is_adopted(run_job, director):
    AnnualPlan.objects.create(year=2027, status=PlanStatus.ADOPTED, adopted_at=timezone.now())
    run_job(date(2026, 12, 1))
    assert "Het jaarplan 2027 is niet vastgesteld" not in {m.subject for m in mail.outbox}


# --- Who never gets what --------------------------------------------------------------------------------


def test_non_essential_reminders_can_be_turned_off_but_escalations_to_the_director_cannot(run_job, nxp_rep, director):
    Preference.objects.create(user=nxp_rep, non_essential=False)
    Preference.objects.create(user=director, non_essential=False)
    assert run_job(date(2026, 4, 8)) == 0
    run_job(date(2026, 4, 16))
    assert _to() == ["director@example.org"]
    assert "kunt u niet uitzetten" in mail.outbox[0].body
    assert run_job(date(2026, 7, 4)) == 0  # the agreement countdown is not an escalation


def test_inactive_users_and_the_anonymous_user_row_get_nothing(run_job, nxp, director):
    UserFactory(username="gone", partner=nxp, is_active=False)
    run_job(date(2026, 4, 8))
    run_job(date(2026, 4, 16))
    assert _to() == ["director@example.org"]
    assert not Reminder.objects.filter(recipient__username="AnonymousUser").exists()


def test_a_reminder_whose_cause_is_gone_before_sending_is_not_sent(django_capture_on_commit_callbacks, nxp, nxp_rep):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        result = reminders_run(day=date(2026, 4, 8))
    assert len(result.claimed) == 1
    contribution(nxp, status="submitted")  # the partner submits before the worker picks the task up
    for callback in queued:
        callback()
    assert mail.outbox == []
    assert Reminder.objects.get().status == "cancelled"
    assert Reminder.objects.for_user(nxp_rep).count() == 0


def test_a_representative_who_no_longer_acts_for_the_partner_is_not_reminded(
    django_capture_on_commit_callbacks, nxp, nxp_rep
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        reminders_run(day=date(2026, 4, 8))
    revoke_partner_representative(user=nxp_rep, partner=nxp)
    for callback in queued:
        callback()
    assert mail.outbox == []


# --- What the e-mail looks like ---------------------------------------------------------------------------


def test_the_email_is_in_the_users_language_in_text_and_html_with_an_absolute_link(
    run_job, settings, nxp, nxp_rep, asmpt, asmpt_rep
):
    settings.SITE_URL = "https://regie.lifeport.example"
    Profile.objects.create(user=asmpt_rep, language="en")
    run_job(date(2026, 4, 8))
    by_to = {m.to[0]: m for m in mail.outbox}
    period = ReportingPeriod.objects.get(deadline=K1_DEADLINE)
    link = f"https://regie.lifeport.example{period.get_absolute_url()}"

    dutch = by_to["rep-nxp@example.org"]
    assert dutch.subject == "Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026"
    assert "NXP heeft voor rapportageperiode 2026-K1 nog geen bijdragen ingediend." in dutch.body
    assert "(over 7 dagen)" in dutch.body
    assert link in dutch.body
    html, mimetype = dutch.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{link}">Open rapportageperiode 2026-K1</a>' in html
    assert '<html lang="nl">' in html

    english = by_to["rep-asmpt@example.org"]
    assert english.subject == "Submit the contributions of ASMPT for 2026-K1 by 15 April 2026"
    assert "(in 7 days)" in english.body
    assert '<html lang="en">' in english.alternatives[0][0]
    assert "https://regie.lifeport.example/herinneringen/instellingen/" in english.body


def test_the_in_app_reminder_keeps_the_text_and_the_link(run_job, nxp, nxp_rep):
    run_job(date(2026, 4, 8))
    reminder = Reminder.objects.for_user(nxp_rep).get()
    period = ReportingPeriod.objects.get(deadline=K1_DEADLINE)
    assert reminder.title == "Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026"
    assert reminder.link == period.get_absolute_url()
    assert reminder.emailed and reminder.sent_at is not None and reminder.read_at is None


def test_a_user_without_an_email_address_still_sees_the_reminder_in_the_app(run_job, nxp):
    user = UserFactory(username="no-mail", partner=nxp, email="")
    run_job(date(2026, 4, 8))
    assert mail.outbox == []
    reminder = Reminder.objects.for_user(user).get()
    assert reminder.status == "sent" and not reminder.emailed


def test_roles_are_not_enough_to_be_a_representative_recipient(run_job, programme):
    UserFactory(username="rep-without-partner", role=Role.REPRESENTATIVE)
    assert run_job(date(2026, 4, 8)) == 0


def test_a_representative_granted_through_a_group_gets_the_partners_reminders(run_job, nxp):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from partners.permissions import ACT_FOR_PARTNER, acts_for, partners_for

    team = Group.objects.create(name="Team NXP")
    assign_perm(ACT_FOR_PARTNER, team, nxp)
    member = UserFactory(username="team-nxp")
    member.groups.add(team)
    assert acts_for(member, nxp) and list(partners_for(member)) == [nxp]
    run_job(date(2026, 4, 8))
    assert _to() == ["team-nxp@example.org"]
    mail.outbox.clear()
    contribution(nxp, status="returned", reviewed_at=_returned_on(date(2026, 5, 4)), review_comment="Bon?")
    run_job(date(2026, 5, 9))
    assert _to() == ["team-nxp@example.org"] and "Bon?" in mail.outbox[0].body
