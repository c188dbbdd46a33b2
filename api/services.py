"""Issuing and revoking API tokens, finding the token of a request, and the Idempotency-Key record.

Every write a system makes goes through contributions/services.py as the token's own user, and is recorded
in the audit trail with the token's name (`api_write_record`).
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from api.models import ApiToken, IdempotentRequest, Scope
from audit.models import Action
from audit.services import audit_record
from partners.models import Partner
from partners.permissions import grant_partner_representative, revoke_partner_representative

KEY_PREFIX = "lpr"
# last_used_at is written at most once a minute per token: a busy system does not write on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(
    *, name: str, partner: Partner | None, scope: str, expires_at: datetime, acting_user
) -> tuple[ApiToken, str]:
    """Issue a token; returns it and its key (`lpr_<prefix>_<secret>`), which is shown once and kept nowhere.

    The token gets a user of its own (no password) that acts for `partner`, so the contribution services
    check and record its writes as they do a representative's. A staff token (no partner) reads only.
    """
    if partner is None:
        scope = Scope.READ
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    user = get_user_model()(username=f"api-{prefix}", first_name=name[:150], last_name="(API)")
    user.set_unusable_password()
    user.save()
    token = ApiToken(
        name=name,
        partner=partner,
        scope=scope,
        prefix=prefix,
        key_hash=hash_key(key),
        user=user,
        created_by=acting_user,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    if partner is not None and scope == Scope.WRITE:
        grant_partner_representative(user=user, partner=partner, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action=Action.API_TOKEN_ISSUED,
        target=token,
        details={"token": name, "scope": scope, "partner": partner.short_name if partner else ""},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user) -> ApiToken:
    """Revoke a token at once (idempotent): its key is refused from now on and its user acts for no one."""
    locked = ApiToken.objects.select_for_update(of=("self",)).select_related("partner", "user").get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at, locked.revoked_by = timezone.now(), acting_user
    locked.save(update_fields=["revoked_at", "revoked_by"])
    if locked.partner is not None:
        revoke_partner_representative(user=locked.user, partner=locked.partner, acting_user=acting_user)
    locked.user.is_active = False
    locked.user.save(update_fields=["is_active"])
    audit_record(actor=acting_user, action=Action.API_TOKEN_REVOKED, target=locked, details={"token": locked.name})
    return locked


class TokenRefused(Exception):
    """The key is unknown, revoked or expired (the message says which, without telling keys apart)."""


def api_token_for_key(key: str) -> ApiToken:
    """The active token of `key`; raises TokenRefused. Notes the use (at most once a minute)."""
    if not key.startswith(f"{KEY_PREFIX}_") or len(key) > 100:
        raise TokenRefused("unknown")
    token = ApiToken.objects.select_related("partner", "user").filter(key_hash=hash_key(key)).first()
    if token is None:
        raise TokenRefused("unknown")
    if token.revoked_at is not None:
        raise TokenRefused("revoked")
    now = timezone.now()
    if token.expires_at <= now:
        raise TokenRefused("expired")
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).filter(
            models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
    return token


def api_write_record(*, token: ApiToken, operation: str, target: models.Model | None, details: dict | None = None):
    """The audit trail's row for a write by a system: its user, and the token's name."""
    audit_record(
        actor=token.user,
        action=Action.API_WRITE,
        target=target,
        details={"token": token.name, "operation": operation, **(details or {})},
    )


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with another request."""


def idempotent(
    *, token: ApiToken, key: str | None, request_hash: str, perform: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run `perform` (which writes and returns status and body) once per `key` of `token`.

    Returns (status, body, replayed). The record is inserted in the transaction of the write: a retry that
    arrives while the first is running waits for it on the unique key, then finds its answer. A key used with
    another request raises IdempotencyConflict. Without a key, `perform` just runs.
    """
    if not key:
        status, body = perform()
        return status, body, False
    for _attempt in range(2):
        found = IdempotentRequest.objects.filter(token=token, key=key).first()
        if found is not None:
            if found.request_hash != request_hash:
                raise IdempotencyConflict
            return found.status_code, found.body, True
        try:
            with transaction.atomic():
                status, body = perform()
                IdempotentRequest.objects.create(
                    token=token, key=key, request_hash=request_hash, status_code=status, body=body
                )
                return status, body, False
        except IntegrityError:
            if not IdempotentRequest.objects.filter(token=token, key=key).exists():
                raise
    raise IdempotencyConflict  # pragma: no cover - the second pass always finds the record
