"""A walk through 2026 (and into January 2027) day by day with the demo data, as `seed_lifeport --demo` loads it
on the demo's day (28 November 2026): the programme, the demo users, a year of contributions per party (a few
returned and never resubmitted) and the adopted 2026 plan with its milestones. One thing differs: The Economic
Board logged a single draft in February and never submitted anything, so the deadline reminders have someone
to chase. Beat fires the daily job at 08:00 Amsterdam time, and exactly these reminders go out."""

from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from actionlines.demo import seed_demo_plan
from actionlines.models import Milestone
from contributions.demo import seed_demo_contributions
from contributions.models import Contribution, ReportingPeriod
from lifeport.celery import app
from partners.demo import seed_demo_users
from partners.models import Partner
from partners.services import seed_programme
from reminders.models import Reminder
from tests.reminders.conftest import at_eight, contribution

START, END = date(2026, 1, 1), date(2027, 1, 17)
DEMO_DAY = date(2026, 11, 28)
AGREEMENT = "Intentieverklaring Lifeport Semicon Regiegroep 2026"
ZIJ_INSTROMERS = "Twintig zij-instromers geplaatst"
EVALUATIE = "Evaluatie eerste cohort"
FONDSEN = "Verkenning Europese fondsen"
ADVIES = "Advies aan de regiegroep"
WERKBEZOEK = "Werkbezoek staatssecretaris"
INGROEIMODEL = "Voorstel ingroeimodel bedrijven"
BEURS = "Profiel gepresenteerd op beurs"


def teb(period: str, lead: int) -> list:
    """The Economic Board's representative, chased before a deadline."""
    return [("teb", "period_due", lead, period)]


def missing(period: str) -> list:
    """The director, the day after a deadline: The Economic Board is missing."""
    return [("directeur", "period_missing", -1, period)]


def returned(rep: str, period: str, count: int = 1) -> list:
    """A partner's representative, 5 days after a contribution of `period` was returned."""
    return [(rep, "returned", -5, period)] * count


def late(title: str, days: int, *people: str) -> list:
    return [(person, "milestone_late", -days, title) for person in ("directeur", *people)]


def due(title: str, lead: int) -> list:
    return [("trekker-talent", "milestone_due", lead, title)]


def agreement(lead: int) -> list:
    return [(who, "agreement_end", lead, AGREEMENT) for who in ("directeur", "regiegroep")]


# Each key day with everything that goes out on it (recipient, rule, lead time in days, what it is about).
# The days on either side of a lead time are listed with what else is due then, usually nothing.
EXPECTED: dict[date, list] = {
    # Reporting period 2026-K1, deadline 15 April: 7 and 1 days before, and the day after to the director.
    date(2026, 4, 7): [],
    date(2026, 4, 8): teb("2026-K1", 7),
    date(2026, 4, 9): [],
    date(2026, 4, 13): [],
    date(2026, 4, 14): teb("2026-K1", 1),
    date(2026, 4, 15): [],
    date(2026, 4, 16): missing("2026-K1"),
    # Returned on 12 April (Gemeente Nijmegen) and 19 April (two of Provincie Gelderland): 5 days later.
    date(2026, 4, 17): returned("gemeente", "2026-K1"),
    date(2026, 4, 18): [],
    date(2026, 4, 23): [],
    date(2026, 4, 24): returned("provincie", "2026-K1", 2),
    date(2026, 4, 25): [],
    # The agreement's end (31 December 2026): 180 days before.
    date(2026, 7, 3): [],
    date(2026, 7, 4): agreement(180),
    date(2026, 7, 5): [],
    date(2026, 7, 7): [],
    date(2026, 7, 8): teb("2026-K2", 7),
    date(2026, 7, 9): [],
    date(2026, 7, 13): [],
    date(2026, 7, 14): teb("2026-K2", 1) + returned("nxp", "2026-K2", 2),
    date(2026, 7, 15): [],
    date(2026, 7, 16): missing("2026-K2") + returned("gemeente", "2026-K2"),
    date(2026, 7, 17): returned("provincie", "2026-K2"),
    date(2026, 7, 18): returned("radboud", "2026-K2"),
    date(2026, 7, 19): [],
    # "Verkenning Europese fondsen" (due 30 September) has no owner and its line no lead: only the director
    # hears of it, the day after and then weekly.
    date(2026, 9, 30): [],
    date(2026, 10, 1): late(FONDSEN, 1),
    date(2026, 10, 2): agreement(90),
    date(2026, 10, 3): [],
    date(2026, 10, 7): [],
    date(2026, 10, 8): teb("2026-K3", 7) + late(FONDSEN, 8),
    date(2026, 10, 9): [],
    date(2026, 10, 13): [],
    date(2026, 10, 14): teb("2026-K3", 1),
    date(2026, 10, 15): late(FONDSEN, 15) + returned("radboud", "2026-K3"),
    date(2026, 10, 16): missing("2026-K3") + late(ADVIES, 1),
    date(2026, 10, 17): [],
    # "Twintig zij-instromers geplaatst" (Talent, due 1 November, no owner): the Talent lead 14 days before
    # and on the day; late from 2 November, weekly, to the lead and the director.
    date(2026, 10, 18): due(ZIJ_INSTROMERS, 14),
    date(2026, 10, 19): returned("asmpt", "2026-K3"),
    # The clocks go back on Sunday 25 October: the job still runs at 08:00 local time.
    date(2026, 10, 24): [],
    date(2026, 10, 25): [],
    date(2026, 10, 26): [],
    date(2026, 10, 31): [],
    date(2026, 11, 1): agreement(60) + due(ZIJ_INSTROMERS, 0),
    date(2026, 11, 2): late(ZIJ_INSTROMERS, 1, "trekker-talent"),
    date(2026, 11, 3): [],
    date(2026, 11, 8): [],
    date(2026, 11, 9): late(ZIJ_INSTROMERS, 8, "trekker-talent"),
    date(2026, 11, 10): [],
    # 1 December: 30 days to the end, next year's plan not adopted (an escalation), "Evaluatie" in 14 days.
    date(2026, 11, 30): late(ZIJ_INSTROMERS, 29, "trekker-talent"),
    date(2026, 12, 1): agreement(30) + [("directeur", "annual_plan", 0, "2027")] + due(EVALUATIE, 14),
    date(2026, 12, 2): late(INGROEIMODEL, 1),
    date(2026, 12, 23): late(INGROEIMODEL, 22) + late(EVALUATIE, 8, "trekker-talent"),
    date(2026, 12, 24): agreement(7) + late(FONDSEN, 85),
    date(2026, 12, 25): late(BEURS, 15) + late(ADVIES, 71),
    # The last day of the agreement: nothing about it.
    date(2026, 12, 31): late(FONDSEN, 92),
    # The day after it ended without a successor.
    date(2027, 1, 1): [(who, "agreement_ended", -1, AGREEMENT) for who in ("directeur", "regiegroep")]
    + late(BEURS, 22)
    + late(ADVIES, 78),
    date(2027, 1, 2): late(WERKBEZOEK, 43),
    # The last quarter's deadline, 15 January 2027.
    date(2027, 1, 7): late(FONDSEN, 99),
    date(2027, 1, 8): teb("2026-K4", 7) + late(BEURS, 29) + late(ADVIES, 85),
    date(2027, 1, 9): late(WERKBEZOEK, 50),
    date(2027, 1, 13): late(INGROEIMODEL, 43) + late(EVALUATIE, 29, "trekker-talent"),
    date(2027, 1, 14): teb("2026-K4", 1) + late(FONDSEN, 106),
    date(2027, 1, 15): late(BEURS, 36) + late(ADVIES, 92),
    date(2027, 1, 16): missing("2026-K4") + late(WERKBEZOEK, 57),
    date(2027, 1, 17): [],
}


def _about(reminder: Reminder, milestones: dict, periods: dict) -> str:
    if reminder.rule == "returned":
        return Contribution.objects.get(pk=reminder.params["contribution"]).period.name
    if reminder.rule.startswith("period"):
        return periods[reminder.params["period"]]
    if reminder.rule.startswith("milestone"):
        return milestones[reminder.params["milestone"]]
    if reminder.rule == "annual_plan":
        return str(reminder.params["year"])
    return AGREEMENT


@pytest.fixture
def beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-daily"]
    assert entry["task"] == "reminders.run_daily"
    schedule = entry["schedule"]
    schedule.app = app
    return schedule


@pytest.mark.django_db
def test_a_year_of_reminders_for_the_demo_data(run_job, beat_schedule):
    with time_machine.travel(at_eight(DEMO_DAY), tick=False):
        seed_programme()
        seed_demo_users()
        contribution(Partner.objects.get(slug="the-economic-board"), on=date(2026, 2, 10))
        seed_demo_contributions()
        seed_demo_plan()

    sent_on: dict[date, list[Reminder]] = {}
    outbox_on: dict[date, int] = {}
    last_run = at_eight(START - timedelta(days=1))
    day = START
    while day <= END:
        # Beat's crontab is due at 08:00 local time (CET or CEST), not a minute earlier.
        with time_machine.travel(at_eight(day) - timedelta(minutes=1), tick=False):
            assert not beat_schedule.is_due(last_run)[0], day
        with time_machine.travel(at_eight(day), tick=False):
            assert beat_schedule.is_due(last_run)[0], day
        before = len(mail.outbox)
        run_job(day)
        outbox_on[day] = len(mail.outbox) - before
        last_run = at_eight(day)
        day += timedelta(days=1)

    milestones = {str(m.key): m.title for m in Milestone.objects.all()}
    periods = {p.pk: p.name for p in ReportingPeriod.objects.all()}
    for reminder in Reminder.objects.select_related("recipient"):
        sent_on.setdefault(reminder.sent_at.astimezone(at_eight(START).tzinfo).date(), []).append(reminder)
    got = {
        day: Counter((r.recipient.username, r.rule, r.lead_days, _about(r, milestones, periods)) for r in reminders)
        for day, reminders in sent_on.items()
    }
    for day, expected in EXPECTED.items():
        assert got.get(day, Counter()) == Counter(expected), day
        assert outbox_on[day] == len(expected), day

    # Over the whole walk: every reminder sent, each by one e-mail, never twice.
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == Reminder.objects.count() == sum(outbox_on.values())
    assert len({(m.to[0], m.subject, m.body) for m in mail.outbox}) == len(mail.outbox)
    assert Counter(Reminder.objects.values_list("rule", flat=True)) == {
        "period_due": 4 * 2,
        "period_missing": 4,
        "returned": 10,
        "agreement_end": 5 * 2,
        "agreement_ended": 2,
        "annual_plan": 1,
        "milestone_due": 4,
        "milestone_late": 88,
    }
    # What the director reads the day after the first deadline; what a representative reads about a returned item.
    (escalation,) = Reminder.objects.filter(rule="period_missing", deadline=date(2026, 4, 15))
    assert escalation.title == "Rapportageperiode 2026-K1: 1 partner heeft niets ingediend"
    assert escalation.body.endswith("\n– The Economic Board")
    (chased,) = Reminder.objects.filter(rule="returned", recipient__username="gemeente", deadline=date(2026, 4, 12))
    assert "Het programmabureau schreef:" in chased.body
    # The observer, the office and the AnonymousUser row never get anything.
    assert not Reminder.objects.filter(recipient__username__in=["waarnemer", "bureau", "AnonymousUser"]).exists()


@pytest.mark.django_db
def test_beat_fires_at_eight_local_time_on_both_sides_of_the_october_clock_change(beat_schedule):
    saturday = at_eight(date(2026, 10, 24))
    assert saturday.utcoffset() == timedelta(hours=2)
    # Sunday 25 October 08:00 CET is 07:00 UTC, an hour later in UTC than the day before.
    with time_machine.travel("2026-10-25 06:59:00+00:00", tick=False):
        assert not beat_schedule.is_due(saturday)[0]
    with time_machine.travel("2026-10-25 07:00:00+00:00", tick=False):
        assert beat_schedule.is_due(saturday)[0]
    # And in spring (29 March 2026) 08:00 CEST is 06:00 UTC.
    with time_machine.travel("2026-03-29 05:59:00+00:00", tick=False):
        assert not beat_schedule.is_due(at_eight(date(2026, 3, 28)))[0]
    with time_machine.travel("2026-03-29 06:00:00+00:00", tick=False):
        assert beat_schedule.is_due(at_eight(date(2026, 3, 28)))[0]
