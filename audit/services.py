"""The audit trail: one function records an event; every app calls it where the event happens."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from audit.middleware import current_request
from audit.models import Action, AuditEvent
from lifeport.lib.proxies import client_address

# Who acts when a change arrives through a signal: set by a service that was told (`acting_as`), else the
# signed-in user of the request being handled, else nobody (a command, a task, a seed).
_acting_user: ContextVar[Any] = ContextVar("lifeport_acting_user", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Within this block, changes recorded from signals (roles, permissions, passwords) name `user`."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_actor():
    """The user to name for a change recorded from a signal (see `acting_as`); None for the system."""
    user = _acting_user.get()
    if user is None:
        request = current_request.get()
        user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


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
