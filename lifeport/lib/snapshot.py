"""Caching what is computed from the database alone, keyed by what the database holds.

PostgreSQL's `pg_current_snapshot()` says which transactions a query sees as committed. Two reads under
the same snapshot see exactly the same data, and any commit, anywhere, gives later reads a new snapshot.
So a page part computed from the database alone (plus today's date, the language and the reader's
visibility, which go into the key too) can be kept under the snapshot it was read at: it is reused only
while nothing at all has been committed since, and is never stale. Between writes (most of a working
day: pages are read far more often than contributions are saved) the dashboard costs a cache read.

The snapshot is read before the data: work computed after a commit that came in between is newer than
its key, never older, and no later reader can hold that older snapshot any more.

No caching on SQLite (the demo mode) or inside a transaction that has written (its own writes are not
in the snapshot), e.g. a test wrapped in a transaction: then `data_version()` is None.
"""

import uuid

from django.db import connection

CACHE_SECONDS = 3600  # the key changes with every commit; this only bounds how long unused entries stay


def data_version() -> str | None:
    """The database's current snapshot as text ("xmin:xmax:in-progress ids"), or None (do not cache)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NULL")
        snapshot, clean = cursor.fetchone()
    return snapshot if clean else None


def cache_seconds(version: str | None) -> int:
    """For the {% cache %} tag: 0 (do not keep) without a version."""
    return CACHE_SECONDS if version else 0


def cache_key(version: str | None, *parts: object) -> str:
    """For the {% cache %} tag: the version and what else the fragment depends on. Without a version the key
    is unique, so nothing is ever read back (an entry "kept 0 seconds" could still be read when the clock is
    moved back, as tests do)."""
    return "|".join(str(part) for part in (version or uuid.uuid4().hex, *parts))
