"""Keeping page parts computed from programme data until that data changes.

`data_version()` reads lifeport.models.DataVersion: a number that a commit-time trigger moves on in every
transaction that changes programme data (partners, action lines and plans, contributions, reports; migration
lifeport 0001). A page part computed from that data alone (plus what else goes into the key: today's date,
the language, the reader's visibility) can be kept under the number it was computed at, and reused while the
number stays the same. It is never stale: the number is read before the data, and changes in the same
commit as the data, so the data read is at least as new as its key. Sign-ins, exports (the audit trail),
sessions and reminders do not change the number, so they do not throw the kept parts away.

No caching (None) with PAGE_CACHE=0 (the environment; `make bench` measures pages both ways), on SQLite,
the demo mode, or inside a transaction that has itself written (its writes
move the number only when it commits), e.g. a test wrapped in a transaction.
"""

import uuid

from django.conf import settings
from django.db import connection

CACHE_SECONDS = 3600  # the key changes with the data; this only bounds how long unused entries stay


def data_version() -> str | None:
    """The programme data's version number as text, or None (do not cache)."""
    if not settings.PAGE_CACHE or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT number FROM lifeport_dataversion WHERE id = 1), pg_current_xact_id_if_assigned() IS NULL"
        )
        number, clean = cursor.fetchone()
    return str(number) if number is not None and clean else None


def cache_seconds(version: str | None) -> int:
    """For the {% cache %} tag: 0 (do not keep) without a version."""
    return CACHE_SECONDS if version else 0


def cache_key(version: str | None, *parts: object) -> str:
    """For the {% cache %} tag: the version and what else the fragment depends on. Without a version the key
    is unique, so nothing is ever read back (an entry "kept 0 seconds" could still be read when the clock is
    moved back, as tests do)."""
    return "|".join(str(part) for part in (version or uuid.uuid4().hex, *parts))
