"""The audit trail: one function records an event; every app calls it where the event happens."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from audit.middleware import current_request
from audit.models import Action, AuditEvent
from lifeport.lib.proxies import client_address


def _actor(user) -> tuple[Any, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user, user.get_username()


def audit_record(
    *,
    actor,
    action: Action | str,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` (to `target`), with the time and, given `request`, the address.

    Without `request`, the request being handled is used (audit.middleware), so a service needs no
    request parameter; a Celery task has none. Runs in the caller's transaction: an approval that rolls
    back leaves no audit row. `actor` may be None or anonymous (a failed sign-in, a system task);
    `details` is a small JSON-able dict (no secrets: never a password or a code). Raises ValueError for
    an action that `audit.models.Action` does not list.
    """
    action = Action(action)
    request = request if request is not None else current_request.get()
    user, name = _actor(actor)
    event = AuditEvent(
        actor=user,
        actor_name=name or str((details or {}).get("username", ""))[:150],
        action=action,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""),
        details=details or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)[:64]
        event.target_repr = str(target)[:200]
    event.save()
    return event
