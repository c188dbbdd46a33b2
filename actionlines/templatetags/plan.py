from datetime import date
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from actionlines.models import Milestone

register = template.Library()


@register.filter
def milestone_status(milestone: Milestone, on: date | None = None) -> str:
    """{{ milestone|milestone_status:today }}: "late" when past due and not done, else the status entered."""
    return milestone.shown_status(on)


@register.filter
def pct(value: Decimal | None) -> str:
    """{{ row.pct_total|pct }} → "87%", or "n/a" when nothing was pledged (no division by zero)."""
    return _("n/a") if value is None else f"{value}%"


@register.filter
def is_programme_staff(user) -> bool:
    """{% if user|is_programme_staff %}: the director and the office (their overview is their landing page)."""
    from partners import permissions

    return permissions.is_programme_staff(user)
