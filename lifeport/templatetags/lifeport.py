from decimal import Decimal

from django import template
from django.utils.translation import get_language

from lifeport.lib.money import format_euro, format_number

register = template.Library()


@register.filter
def euro(value: Decimal | int | None) -> str:
    """{{ amount|euro }} → "€ 1.234,56" in Dutch, "€1,234.56" in English."""
    return format_euro(value, get_language() or "nl")


@register.filter
def number(value: Decimal | int | None, places: int = 0) -> str:
    return format_number(value, get_language() or "nl", int(places))
