"""Read models for reminders: who is missing a period, who represents whom, and a person's calendar."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse

from actionlines.models import ActionLine, Milestone, PlanStatus
from contributions.models import Contribution, ReportingPeriod
from partners.models import Agreement, Partner, Role
from partners.permissions import (
    action_lines_led_by,
    leads,
    partners_for,
    representatives_of,
    roles_of,
    users_with_role,
)


def safe_path(build) -> str:
    """The path `build()` returns, or the home page while the page it names is not there (yet)."""
    try:
        return build()
    except NoReverseMatch:
        return reverse("home")


def parties_of_period(period: ReportingPeriod) -> QuerySet[Partner]:
    """The partners that were party to the period's agreement at some point during the period."""
    return Partner.objects.filter(
        Q(party_links__left_on__isnull=True) | Q(party_links__left_on__gte=period.starts_on),
        party_links__agreement_id=period.agreement_id,
        party_links__joined_on__lte=period.ends_on,
    ).distinct()


def partners_missing(period: ReportingPeriod) -> list[Partner]:
    """Parties with nothing submitted (submitted or approved) for `period`, by name. One query."""
    submitted = Contribution.objects.submitted_or_approved().filter(partner=OuterRef("pk"), period_id=period.pk)
    return list(parties_of_period(period).filter(~Exists(submitted)).order_by("name"))


def represents(user, partner_id: int) -> Exists:
    """An EXISTS expression: `user` acts for partner `partner_id` (to annotate onto another query)."""
    return Exists(representatives_of(Partner(pk=partner_id)).filter(pk=user.pk))


def still_missing(*, period_id: int, partner_id: int, deadline: date, user) -> tuple[str, str] | None:
    """(partner name, period name) when the period is still open with this deadline, the partner has still
    submitted nothing for it and `user` still acts for the partner; else None. One query."""
    period = ReportingPeriod.objects.open().filter(pk=period_id, deadline=deadline).values("name")[:1]
    submitted = Contribution.objects.submitted_or_approved().filter(partner_id=partner_id, period_id=period_id)
    return (
        Partner.objects.filter(pk=partner_id)
        .annotate(
            period_name=Subquery(period), has_submitted=Exists(submitted), represented=represents(user, partner_id)
        )
        .filter(period_name__isnull=False, has_submitted=False, represented=True)
        .values_list("name", "period_name")
        .first()
    )


def open_milestones() -> QuerySet[Milestone]:
    """Milestones of adopted plans that are not done: the ones reminders are about."""
    return (
        Milestone.objects.open()
        .filter(activity__plan__status=PlanStatus.ADOPTED)
        .select_related("activity__action_line", "activity__plan", "owner")
    )


def milestone_by_key(key: str) -> Milestone | None:
    """The milestone with this key in the adopted plan (versions of one plan share the key)."""
    return open_milestones().filter(key=key).order_by("-activity__plan__year").first()


def leads_of(action_line: ActionLine) -> list[int]:
    """The active users who lead `action_line` (few: checked one by one through partners.permissions)."""
    return [user.pk for user in users_with_role(Role.LEAD).order_by("pk") if leads(user, action_line)]


def milestone_people(milestone: Milestone, cache: dict | None = None) -> list[int]:
    """Who answers for a milestone: its owner, or, when it has none, the leads of its action line."""
    if milestone.owner_id and milestone.owner.is_active:  # type: ignore[union-attr]
        return [milestone.owner_id]
    cache = {} if cache is None else cache
    line_id = milestone.activity.action_line_id
    if line_id not in cache:
        cache[line_id] = leads_of(milestone.activity.action_line)
    return cache[line_id]


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: date
    summary: str
    description: str
    path: str


def _period_events(user, since: date) -> list[CalendarEvent]:
    from django.utils.translation import gettext as _

    periods = ReportingPeriod.objects.filter(deadline__gte=since).select_related("agreement").order_by("deadline")
    if not roles_of(user) & {Role.DIRECTOR, Role.OFFICE}:
        periods = periods.filter(agreement__party_links__partner__in=partners_for(user)).distinct()
    return [
        CalendarEvent(
            uid=f"period-{period.pk}-deadline",
            day=period.deadline,
            summary=_("Deadline for contributions %(period)s") % {"period": period.name},
            description=_("Submit the contributions of reporting period %(period)s (%(start)s to %(end)s).")
            % {"period": period.name, "start": period.starts_on.isoformat(), "end": period.ends_on.isoformat()},
            path=safe_path(period.get_absolute_url),
        )
        for period in periods
    ]


def _agreement_events(since: date) -> list[CalendarEvent]:
    from django.utils.translation import gettext as _

    return [
        CalendarEvent(
            uid=f"agreement-{agreement.pk}-end",
            day=agreement.ends_on,
            summary=_("End of %(title)s") % {"title": agreement.title},
            description=_("The last day of the agreement; the arrangements must be renewed before then."),
            path=agreement.get_absolute_url(),
        )
        for agreement in Agreement.objects.filter(ends_on__gte=since).order_by("ends_on")
    ]


def _milestone_events(user, since: date) -> list[CalendarEvent]:
    from django.utils.translation import gettext as _

    milestones = (
        Milestone.objects.filter(activity__plan__status=PlanStatus.ADOPTED, due_on__gte=since)
        .select_related("activity__action_line", "activity__plan")
        .order_by("due_on", "id")
    )
    if not roles_of(user) & {Role.DIRECTOR, Role.OFFICE, Role.STEERING}:
        milestones = milestones.filter(
            Q(owner=user) | Q(owner__isnull=True, activity__action_line__in=action_lines_led_by(user))
        )
    return [
        CalendarEvent(
            uid=f"milestone-{milestone.key}",
            day=milestone.due_on,
            summary=_("Milestone: %(title)s") % {"title": milestone.title},
            description=_("%(activity)s (%(line)s), annual plan %(year)s.")
            % {
                "activity": milestone.activity.title,
                "line": milestone.activity.action_line.name,
                "year": milestone.activity.plan.year,
            },
            path=safe_path(milestone.activity.get_absolute_url),
        )
        for milestone in milestones
    ]


def _annual_plan_events(today: date) -> list[CalendarEvent]:
    from django.utils.translation import gettext as _

    from reminders.models import LeadTimes

    lead = LeadTimes.current()
    return [
        CalendarEvent(
            uid=f"annual-plan-{year + 1}-adopted-by",
            day=date(year, lead.annual_plan_month, lead.annual_plan_day),
            summary=_("Annual plan %(year)s adopted") % {"year": year + 1},
            description=_("The steering group adopts next year's annual plan by this date."),
            path=reverse("home"),
        )
        for year in (today.year, today.year + 1)
    ]


def calendar_events(user, *, today: date) -> list[CalendarEvent]:
    """The deadlines that concern `user`, from 90 days ago on: what the personal calendar feed shows.

    Reporting deadlines for representatives (of their partners' agreements) and programme staff; the
    agreement's end for the director, the office and the steering group; milestones for their owner
    and the programme staff (see `milestone_events`).
    """
    since = today - timedelta(days=90)
    roles = roles_of(user)
    events: list[CalendarEvent] = []
    if roles & {Role.DIRECTOR, Role.OFFICE, Role.REPRESENTATIVE}:
        events += _period_events(user, since)
    if roles & {Role.DIRECTOR, Role.OFFICE, Role.STEERING}:
        events += _agreement_events(since) + _annual_plan_events(today)
    if roles & {Role.DIRECTOR, Role.OFFICE, Role.STEERING, Role.LEAD} or Milestone.objects.filter(owner=user).exists():
        events += _milestone_events(user, since)
    return sorted(events, key=lambda e: (e.day, e.uid))


def calendar_ics(user, *, today: date, site_url: str, language: str) -> bytes:
    """The user's personal iCalendar feed (RFC 5545): one all-day event per deadline that concerns them."""
    from datetime import UTC, datetime

    from django.utils import translation
    from icalendar import Calendar, Event

    with translation.override(language):
        events = calendar_events(user, today=today)
        calendar = Calendar()
        calendar.add("prodid", "-//Lifeport Regie//Deadlines//NL")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", translation.gettext("Lifeport Regie deadlines"))
        calendar.add("x-wr-timezone", "Europe/Amsterdam")
    host = site_url.split("://", 1)[-1].split("/", 1)[0] or "lifeport-regie"
    stamp = datetime.now(UTC)
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", f"{item.description}\n{site_url}{item.path}")
        event.add("url", f"{site_url}{item.path}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
