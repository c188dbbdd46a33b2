from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.permissions import can_see_programme


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
    items = [NavItem(url, label, request.path.startswith(url)) for url, label in entries]
    return {"nav_items": items}
