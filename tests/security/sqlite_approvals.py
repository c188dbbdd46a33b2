"""Run by tests/security/test_concurrency.py in its own process: the demo's SQLite database (settings.py's
OPTIONS), seeded, and two reviewers approving two submitted contributions at the same moment in two threads.

Prints one line per approval: "approved" or the error it raised.
"""

import os
import sys
import threading

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifeport.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from contributions.models import Contribution, Status  # noqa: E402
from contributions.services import contribution_approve  # noqa: E402
from partners.models import Role  # noqa: E402
from partners.permissions import users_with_role  # noqa: E402

call_command("migrate", verbosity=0)
call_command("seed_lifeport", "--demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
reviewers = list(users_with_role(Role.DIRECTOR, Role.OFFICE).order_by("username")[:2])
items = list(Contribution.objects.filter(status=Status.SUBMITTED).order_by("pk")[:2])
assert len(reviewers) == 2 and len(items) == 2, (reviewers, items)
barrier = threading.Barrier(2)
results: list[str] = ["", ""]


def approve(index: int) -> None:
    try:
        with transaction.atomic():
            # Read first, as a page does before it writes: under SQLite's default (DEFERRED) transactions both
            # threads hold a read lock here, and the second to write is refused at once ("database is locked").
            Contribution.objects.filter(status=Status.SUBMITTED).count()
            try:
                barrier.wait(timeout=3)
            except threading.BrokenBarrierError:
                pass  # the other one waits for the write lock at its BEGIN (IMMEDIATE): go on alone
            contribution_approve(contribution=items[index], acting_user=reviewers[index])
        results[index] = "approved"
    except Exception as error:  # noqa: BLE001 - the test reads what each side got
        results[index] = f"{error.__class__.__name__}: {error}"
    finally:
        connection.close()


threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=60)
print("\n".join(results))
