from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.permissions import can_see_programme
from reports.permissions import can_see_dashboard, can_see_reports


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool


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
        ]
    entries.append((reverse("reminders:list"), _("Reminders")))
    if can_see_dashboard(user):
        entries.append((reverse("reports:dashboard"), _("Dashboard")))
    if can_see_reports(user):
        entries.append((reverse("reports:list"), _("Reports")))
    items = [NavItem(url, label, request.path.startswith(url)) for url, label in entries]
    return {"nav_items": items}
