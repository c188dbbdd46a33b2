from dataclasses import dataclass
from datetime import date

from audit.models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_before: int | None


def audit_events_page(
    *,
    action: str = "",
    who: str = "",
    since: date | None = None,
    until: date | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """Newest first, `size` at a time: keyset pagination on id (`before`), so every page costs the same."""
    events = AuditEvent.objects.select_related("target_type").order_by("-id")
    if action:
        events = events.filter(action=action)
    if who:
        events = events.filter(actor_name__icontains=who)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    if before:
        events = events.filter(id__lt=before)
    rows = list(events[: size + 1])
    next_before = rows[size - 1].id if len(rows) > size else None
    return AuditPage(events=rows[:size], next_before=next_before)
