from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.permissions import can_read_audit_trail
from contributions.figures import submitted_count
from contributions.permissions import can_use_contributions
from governance.permissions import can_see_budget, can_see_governance, can_see_risks
from partners.permissions import can_see_programme, is_programme_staff
from reports.permissions import can_see_dashboard, can_see_reports


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool
    badge: int | None = None  # a count shown beside the label (e.g. contributions awaiting review)


def navigation(request: HttpRequest) -> dict:
    """The main menu: only the places this user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries: list[tuple[str, str]] = []
    if can_see_programme(user):
        entries += [
            (reverse("partners:list"), _("Partners")),
            (reverse("actionlines:list"), _("Action lines")),
            (reverse("actionlines:plans"), _("Annual plan")),
        ]
    if is_programme_staff(user):
        entries.append((reverse("actionlines:overview"), _("Overview")))
    if can_see_governance(user):
        entries.append((reverse("governance:meetings"), _("Steering group")))
    if can_see_budget(user):
        entries.append((reverse("governance:budget"), _("Budget")))
    if can_see_risks(user):
        entries.append((reverse("governance:risks"), _("Risks")))
    if can_read_audit_trail(user):
        entries.append((reverse("audit:log"), _("Audit trail")))
    entries.append((reverse("reminders:list"), _("Reminders")))
    if can_see_dashboard(user):
        entries.append((reverse("reports:dashboard"), _("Dashboard")))
    if can_see_reports(user):
        entries.append((reverse("reports:list"), _("Reports")))
    badges: dict[str, int] = {}
    if can_use_contributions(user):
        entries.insert(2, (reverse("contributions:list"), _("Contributions")))
    if is_programme_staff(user):
        queue_url = reverse("contributions:queue")
        entries.insert(3, (queue_url, _("Review")))
        badges[queue_url] = submitted_count()  # the one query the menu adds (from the summary: constant cost)
    # The longest matching prefix is the current page (/bijdragen/beoordelen/ is not also /bijdragen/).
    current = max((url for url, _label in entries if request.path.startswith(url)), key=len, default=None)
    items = [NavItem(url, label, url == current, badges.get(url)) for url, label in entries]
    return {"nav_items": items}
