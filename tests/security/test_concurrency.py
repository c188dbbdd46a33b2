"""Two people acting on the same contribution at the same moment, on PostgreSQL with real row locks.

Each action runs in its own thread with its own database connection. The test holds the row lock
itself while both threads start, so both are certainly waiting at once when it lets go.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction

from audit.models import Action, AuditEvent
from contributions.models import Contribution, HourlyRate, Status, TransitionError
from contributions.services import StaleEdit, contribution_approve, contribution_return, contribution_update
from tests.factories import ContributionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("Concurrency tests need PostgreSQL row locks: set DATABASE_URL=postgres://...")


def _at_once(contribution: Contribution, *actions: Callable[[], object]) -> list[object]:
    """Run `actions` in parallel threads while the contribution's row is locked, then release it.

    Returns each action's result, or the exception it raised.
    """
    results: list[object] = [None] * len(actions)
    started = threading.Barrier(len(actions) + 1)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            started.wait()
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test inspects what each side got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    with transaction.atomic():
        Contribution.objects.select_for_update().get(pk=contribution.pk)
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.5)  # both threads are now blocked on the row lock
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_approving_the_same_contribution_twice_at_once_approves_it_once(nxp, director, office):
    item = ContributionFactory(partner=nxp, submitted=True)
    results = _at_once(
        item,
        lambda: contribution_approve(contribution=item, acting_user=director),
        lambda: contribution_approve(contribution=item, acting_user=office),
    )
    approved = [r for r in results if isinstance(r, Contribution)]
    refused = [r for r in results if isinstance(r, TransitionError)]
    assert len(approved) == 1 and len(refused) == 1, results
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    assert item.version == 2
    assert item.reviewed_by == approved[0].reviewed_by
    assert item.history.filter(status=Status.APPROVED).count() == 1
    assert AuditEvent.objects.filter(action=Action.APPROVED, target_id=str(item.pk)).count() == 1


def test_approving_and_returning_at_once_does_one_of_them(nxp, director, office):
    item = ContributionFactory(partner=nxp, submitted=True)
    results = _at_once(
        item,
        lambda: contribution_approve(contribution=item, acting_user=director),
        lambda: contribution_return(contribution=item, acting_user=office, comment="Urenstaat ontbreekt."),
    )
    assert sum(isinstance(r, Contribution) for r in results) == 1, results
    assert sum(isinstance(r, TransitionError) for r in results) == 1, results
    item.refresh_from_db()
    assert item.status in {Status.APPROVED, Status.RETURNED}
    assert item.version == 2
    assert AuditEvent.objects.filter(action__in=[Action.APPROVED, Action.RETURNED]).count() == 1


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=True)
def test_two_people_saving_the_same_draft_at_once_the_second_gets_stale_edit_and_nothing_is_lost(nxp, nxp_rep):
    colleague = type(nxp_rep).objects.create_user("rep-nxp-2", password="Correct-horse-battery-9")
    from partners.permissions import grant_partner_representative

    grant_partner_representative(user=colleague, partner=nxp)
    HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))
    item = ContributionFactory(partner=nxp, created_by=nxp_rep, hours=Decimal("12"))
    results = _at_once(
        item,
        lambda: contribution_update(
            contribution=item, acting_user=nxp_rep, expected_version=1, hours=Decimal("20"), description="Eerste"
        ),
        lambda: contribution_update(
            contribution=item, acting_user=colleague, expected_version=1, hours=Decimal("30"), description="Tweede"
        ),
    )
    saved = [r for r in results if isinstance(r, Contribution)]
    stale = [r for r in results if isinstance(r, StaleEdit)]
    assert len(saved) == 1 and len(stale) == 1, results
    item.refresh_from_db()
    assert item.version == 2
    # What is stored is exactly what the winner sent: no mix of both.
    assert (item.hours, item.description) == (saved[0].hours, saved[0].description)
    assert (item.hours, item.description) in {(Decimal("20"), "Eerste"), (Decimal("30"), "Tweede")}


def test_two_approvals_at_once_on_the_sqlite_demo_both_succeed_instead_of_database_is_locked(tmp_path):
    # The demo's own database (DEBUG, SQLite, settings.py's OPTIONS), in a process of its own: the suite's
    # database is PostgreSQL. Both reviewers first read, then approve, at the same moment.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "LIFEPORT_ZEAL"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3", MEDIA_ROOT=str(tmp_path / "media"))
    result = subprocess.run(
        [sys.executable, "tests/security/sqlite_approvals.py"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-2:] == ["approved", "approved"], result.stdout
