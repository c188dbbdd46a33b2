"""The in-app list, following and marking reminders, the user's settings, the calendar feed, the lead times."""

import uuid
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from icalendar import Calendar

from actionlines.models import ActionLine, Activity, AnnualPlan, Milestone, PlanStatus
from contributions.models import ReportingPeriod
from partners.models import Profile
from reminders.models import LeadTimes, Preference, Reminder
from reminders.services import preference_for
from tests.reminders.conftest import at_eight

pytestmark = pytest.mark.django_db


def _reminder(user, *, title="Dien de bijdragen in", status="sent", link="/", read=False, **extra) -> Reminder:
    return Reminder.objects.create(
        rule="period_due",
        subject=f"s-{uuid.uuid4().hex[:8]}",
        recipient=user,
        deadline=date(2026, 4, 15),
        lead_days=7,
        run=uuid.uuid4(),
        status=status,
        title=title,
        body="Eerste alinea.\nTweede alinea.",
        link=link,
        read_at="2026-04-08T10:00:00+02:00" if read else None,
        **extra,
    )


def test_the_list_shows_only_the_users_own_delivered_reminders(
    client, nxp_rep, asmpt_rep, django_assert_max_num_queries
):
    for n in range(30):
        _reminder(nxp_rep, title=f"Herinnering {n}")
    _reminder(nxp_rep, title="Nog in de wachtrij", status="pending")
    _reminder(nxp_rep, title="Niet meer nodig", status="cancelled")
    _reminder(nxp_rep, title="E-mail mislukt", status="failed")
    _reminder(asmpt_rep, title="Van een ander")
    client.force_login(nxp_rep)
    with django_assert_max_num_queries(12):
        response = client.get("/herinneringen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "E-mail mislukt" in html and "Herinnering 29" in html
    assert "Nog in de wachtrij" not in html and "Niet meer nodig" not in html and "Van een ander" not in html
    assert html.count('class="lp-card lp-reminder') == 25  # one page
    assert "Pagina 1 van 2" in html
    assert "31 ongelezen herinneringen" in html


def test_the_header_shows_the_unread_count_with_one_query(nxp_rep, django_assert_num_queries):
    _reminder(nxp_rep)
    _reminder(nxp_rep, read=True)
    _reminder(nxp_rep, status="pending")
    with django_assert_num_queries(1):
        html = render_to_string("reminders/_unread.html", {"user": nxp_rep})
    assert "1 ongelezen herinnering" in html
    assert 'href="/herinneringen/"' in html


def test_every_page_header_links_to_the_reminders_with_the_count(client, nxp_rep):
    _reminder(nxp_rep)
    client.force_login(nxp_rep)
    html = client.get("/").content.decode()
    assert 'data-testid="unread-reminders"' in html
    assert "1 ongelezen herinnering" in html


def test_following_a_reminder_marks_it_read_and_goes_to_its_page(client, nxp_rep, asmpt_rep):
    period = ReportingPeriod.objects.get(name="2026-K1")
    reminder = _reminder(nxp_rep, link=period.get_absolute_url())
    client.force_login(asmpt_rep)
    assert client.get(f"/herinneringen/{reminder.pk}/openen/").status_code == 404
    client.force_login(nxp_rep)
    response = client.get(f"/herinneringen/{reminder.pk}/openen/")
    assert response.status_code == 302
    assert response["Location"] == period.get_absolute_url()
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_a_reminder_never_redirects_off_site(client, nxp_rep):
    reminder = _reminder(nxp_rep, link="https://evil.example/")
    client.force_login(nxp_rep)
    assert client.get(f"/herinneringen/{reminder.pk}/openen/")["Location"] == "/herinneringen/"


def test_marking_one_and_all_as_read(client, nxp_rep, asmpt_rep):
    first, second = _reminder(nxp_rep), _reminder(nxp_rep)
    other = _reminder(asmpt_rep)
    client.force_login(nxp_rep)
    assert client.post(f"/herinneringen/{other.pk}/gelezen/").status_code == 404
    assert client.post(f"/herinneringen/{first.pk}/gelezen/").status_code == 302
    assert Reminder.objects.for_user(nxp_rep).unread().get() == second
    client.post("/herinneringen/alles-gelezen/")
    assert not Reminder.objects.for_user(nxp_rep).unread().exists()
    assert Reminder.objects.get(pk=other.pk).read_at is None


def test_a_user_turns_off_non_essential_reminders(client, nxp_rep):
    client.force_login(nxp_rep)
    page = client.get("/herinneringen/instellingen/").content.decode()
    assert "Escalaties aan de programmadirecteur worden altijd verstuurd." in page
    response = client.post("/herinneringen/instellingen/", {})
    assert response.status_code == 302
    assert Preference.objects.get(user=nxp_rep).non_essential is False
    client.post("/herinneringen/instellingen/", {"non_essential": "on"})
    assert Preference.objects.get(user=nxp_rep).non_essential is True


def _feed(client, user) -> Calendar:
    response = client.get(reverse("reminders:calendar", args=[preference_for(user).calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, tuple[date, str]]:
    return {str(e["summary"]): (e.decoded("dtstart"), str(e["url"])) for e in calendar.walk("VEVENT")}


def test_the_calendar_feed_of_a_representative_has_the_reporting_deadlines(client, settings, nxp_rep):
    settings.SITE_URL = "https://regie.lifeport.example"
    with time_machine.travel(at_eight(date(2026, 3, 1)), tick=False):
        events = _events(_feed(client, nxp_rep))
    period = ReportingPeriod.objects.get(name="2026-K1")
    assert events["Inleverdatum bijdragen 2026-K1"] == (
        date(2026, 4, 15),
        f"https://regie.lifeport.example{period.get_absolute_url()}",
    )
    assert set(events) == {f"Inleverdatum bijdragen 2026-K{q}" for q in range(1, 5)}


def test_the_calendar_feed_of_the_director_has_the_agreement_plan_and_milestones_in_english(client, director):
    Profile.objects.create(user=director, language="en")
    plan = AnnualPlan.objects.create(year=2026, status=PlanStatus.ADOPTED, adopted_at="2026-01-10T10:00:00+01:00")
    activity = Activity.objects.create(
        plan=plan,
        action_line=ActionLine.objects.get(code="talent"),
        title="Leerlijn",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    Milestone.objects.create(activity=activity, title="Eerste cohort", due_on=date(2026, 9, 1))
    with time_machine.travel(at_eight(date(2026, 6, 1)), tick=False):
        events = _events(_feed(client, director))
    assert events["End of Intentieverklaring Lifeport Semicon Regiegroep 2026"][0] == date(2026, 12, 31)
    assert events["Annual plan 2027 adopted"][0] == date(2026, 12, 1)
    assert events["Milestone: Eerste cohort"][0] == date(2026, 9, 1)
    assert "Deadline for contributions 2026-K2" in events
    assert "Deadline for contributions 2026-K1" in events  # within the last 90 days


def test_a_renewed_calendar_address_replaces_the_old_one(client, nxp_rep):
    old = preference_for(nxp_rep).calendar_token
    client.force_login(nxp_rep)
    assert client.post("/herinneringen/instellingen/agenda-vernieuwen/").status_code == 302
    new = Preference.objects.get(user=nxp_rep).calendar_token
    assert new != old and len(new) >= 40
    client.logout()
    assert client.get(reverse("reminders:calendar", args=[old])).status_code == 404
    assert client.get(reverse("reminders:calendar", args=[new])).status_code == 200
    assert client.get(reverse("reminders:calendar", args=["not-a-token"])).status_code == 404


def test_the_calendar_of_a_deactivated_user_is_gone(client, nxp_rep):
    token = preference_for(nxp_rep).calendar_token
    nxp_rep.is_active = False
    nxp_rep.save()
    assert client.get(reverse("reminders:calendar", args=[token])).status_code == 404


def test_the_office_sets_the_lead_times(client, office, nxp_rep):
    client.force_login(office)
    page = client.get("/herinneringen/termijnen/").content.decode()
    assert 'value="7,1"' in page and 'value="180,90,60,30,7"' in page
    data = {
        "period_due_days": "10, 3",
        "period_missing_days_after": "2",
        "returned_days": "5",
        "milestone_due_days": "14,0",
        "milestone_late_every_days": "7",
        "annual_plan_month": "11",
        "annual_plan_day": "15",
        "agreement_end_days": "180,90,60,30,7",
        "agreement_ended_days_after": "1",
    }
    assert client.post("/herinneringen/termijnen/", data).status_code == 302
    lead = LeadTimes.current()
    assert lead.period_due_days == "10,3"
    assert (lead.annual_plan_month, lead.annual_plan_day) == (11, 15)


def test_wrong_lead_times_are_refused_with_a_message_and_the_input_kept(client, office):
    client.force_login(office)
    data = {
        "period_due_days": "7,een",
        "period_missing_days_after": "0",
        "returned_days": "5",
        "milestone_due_days": "14,0",
        "milestone_late_every_days": "7",
        "annual_plan_month": "13",
        "annual_plan_day": "1",
        "agreement_end_days": "180,90,60,30,7",
        "agreement_ended_days_after": "1",
    }
    response = client.post("/herinneringen/termijnen/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="7,een"' in html
    assert html.count("utrecht-form-field--invalid") == 3
    assert not LeadTimes.objects.exists()


def test_the_menu_has_an_entry_for_reminders(client, nxp_rep, observer):
    for user in (nxp_rep, observer):
        client.force_login(user)
        html = client.get("/herinneringen/").content.decode()
        assert 'class="lp-nav__link" href="/herinneringen/" aria-current="page">Herinneringen</a>' in html


# --- The command ----------------------------------------------------------------------------------------


def test_the_command_dry_run_lists_who_would_get_what_and_sends_nothing(capsys, nxp_rep, director, mailoutbox):
    call_command("send_reminders", "--date", "2026-04-08", "--dry-run")
    out = capsys.readouterr().out
    assert "period_due" in out and "rep-nxp" in out and "rep-nxp@example.org" in out
    assert "Dien de bijdragen van NXP over 2026-K1 in vóór 15 april 2026" in out
    assert "1 reminder(s) would be sent (dry run: nothing sent)" in out
    assert not Reminder.objects.exists()
    assert mailoutbox == []


def test_the_command_runs_the_job_for_a_day_once(capsys, django_capture_on_commit_callbacks, nxp_rep, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-04-08")
    assert "1 reminder(s) claimed" in capsys.readouterr().out
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-04-08")
    assert "0 reminder(s) claimed" in capsys.readouterr().out
    assert len(mailoutbox) == 1
    call_command("send_reminders", "--date", "2026-04-08", "--dry-run")
    assert "0 reminder(s) would be sent" in capsys.readouterr().out


def test_the_command_refuses_a_malformed_date(nxp_rep):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "8-4-2026")
