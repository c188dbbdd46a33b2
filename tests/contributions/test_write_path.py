"""One write path: contribution rows are written by contributions/services.py only, and every write keeps the
summary (contributions.figures.summary_apply) in the same transaction.

tests/conftest.py runs every test with `contribution_write_guard` on the database connection and ends every test
that used the database with the summary equal to a recount; these tests show that the guard cannot be passed by
the usual ways of writing rows past the services, and that the services' bulk paths keep the summary."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction

from actionlines.models import ActionLine
from contributions import services
from contributions.figures import differences, totals
from contributions.models import Contribution, Kind, Status
from tests.conftest import ContributionWriteOutsideServices
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(nxp):
    return ContributionFactory(partner=nxp, approved=True)


def _row(nxp, by) -> Contribution:
    return Contribution(
        partner=nxp,
        action_line=ActionLine.objects.get(code="talent"),
        period=services.period_for_date(date(2026, 5, 4)),
        kind=Kind.OTHER,
        date=date(2026, 5, 4),
        description="Meetapparatuur",
        amount=Decimal("250"),
        value=Decimal("250"),
        created_by=by,
    )


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda item, nxp: Contribution.objects.filter(pk=item.pk).update(hours=Decimal(1)), id="update"),
        pytest.param(lambda item, nxp: Contribution.objects.filter(pk=item.pk).delete(), id="queryset-delete"),
        pytest.param(lambda item, nxp: item.save(), id="save"),
        pytest.param(lambda item, nxp: item.delete(), id="delete"),
        pytest.param(
            lambda item, nxp: Contribution.objects.bulk_create([_row(nxp, item.created_by)]), id="bulk_create"
        ),
        pytest.param(lambda item, nxp: _row(nxp, item.created_by).save(), id="create"),
        pytest.param(
            lambda item, nxp: connection.cursor().execute(
                'UPDATE "contributions_contribution" SET hours = 1 WHERE id = %s', [item.pk]
            ),
            id="raw-sql",
        ),
    ],
)
def test_a_contribution_written_past_the_services_is_refused(item, nxp, write):
    before = Contribution.objects.get(pk=item.pk)
    with pytest.raises(ContributionWriteOutsideServices), transaction.atomic():
        write(item, nxp)
    assert Contribution.objects.get(pk=item.pk).hours == before.hours
    assert Contribution.objects.count() == 1


def test_the_bulk_paths_of_the_services_keep_the_summary(nxp, nxp_rep):
    made = services.contributions_load(contributions=[_row(nxp, nxp_rep) for _ in range(3)])
    assert totals(by=("kind",)).get(Kind.OTHER).count == 3
    services.contributions_bulk_update(
        contributions=Contribution.objects.filter(pk__in=[c.pk for c in made[:2]]),
        status=Status.APPROVED,
        value=Decimal("100"),
        date=date(2026, 7, 1),
    )
    assert differences() == []
    approved = totals(by=("status", "month")).get(Status.APPROVED, date(2026, 7, 1))
    assert (approved.count, approved.in_kind_value) == (2, Decimal("200"))
    assert Contribution.history.filter(id__in=[c.pk for c in made]).count() == 3  # bulk_create keeps history


def test_a_bulk_update_of_timestamps_leaves_the_summary_alone(item):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.contributions_bulk_update(
            contributions=Contribution.objects.filter(pk=item.pk), reviewed_at=item.submitted_at
        )
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("UPDATE")  # no figure moves: no summary read or write


@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_one_change_is_one_upsert_in_the_same_transaction(item, director, django_assert_num_queries):
    """Reopening an approved item: lock, save, history, audit and exactly one summary statement."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.contribution_reopen(contribution=item, acting_user=director, reason="Bedrag klopt niet")
    upserts = [q["sql"] for q in queries.captured_queries if "contributions_contributionsummary" in q["sql"]]
    assert len(upserts) == 1 and "ON CONFLICT" in upserts[0]
    moved = totals(by=("status",))
    assert (moved.get(Status.APPROVED).count, moved.get(Status.RETURNED).count) == (0, 1)


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def test_no_database_trigger_keeps_the_summary():
    assert _triggers("contributions_contribution") == set()
    assert _triggers("contributions_contributionsummary") == set()


# The triggers of the old migrations 0003/0004, as a database that ran them has them (names and events only: what
# they did no longer matters, only that 0006_drop_summary_triggers removes them).
OLD_TRIGGERS = {
    "postgresql": [
        "CREATE FUNCTION contributions_summary_apply() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NULL; END $$",
        "CREATE FUNCTION contributions_summary_add(c contributions_contribution, sign integer) RETURNS void "
        "LANGUAGE plpgsql AS $$ BEGIN END $$",
        "CREATE TRIGGER contributions_summary_insert_delete AFTER INSERT OR DELETE ON contributions_contribution "
        "FOR EACH ROW EXECUTE FUNCTION contributions_summary_apply()",
        "CREATE TRIGGER contributions_summary_update AFTER UPDATE ON contributions_contribution "
        "FOR EACH ROW EXECUTE FUNCTION contributions_summary_apply()",
    ],
    "sqlite": [
        f"CREATE TRIGGER contributions_summary_{event.lower()} AFTER {event} ON contributions_contribution "
        "BEGIN SELECT 1; END"
        for event in ("INSERT", "DELETE", "UPDATE")
    ],
}


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor runs outside a transaction only
def test_the_migration_drops_the_old_summary_triggers_where_a_database_has_them():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("contributions.migrations.0006_drop_summary_triggers")
    with connection.cursor() as cursor:
        for statement in OLD_TRIGGERS[connection.vendor]:
            cursor.execute(statement)
    assert len(_triggers("contributions_contribution")) >= 2
    with connection.schema_editor() as editor:
        migration.drop_triggers(apps, editor)
        migration.drop_triggers(apps, editor)  # and nothing happens on a database without them
    assert _triggers("contributions_contribution") == set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'contributions_summary_%%'")
            assert cursor.fetchall() == []
