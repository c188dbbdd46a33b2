import datetime
from importlib import import_module

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

# ContributionSummary gains the contribution's month (its first day) and its activity. The triggers of 0003 are
# replaced by ones with the longer key; the summary is emptied before the columns are added and refilled from
# the contributions at the end, so an existing database (with data) upgrades in place.
#
# The key holds the nullable activity_id; two NULLs never collide in a unique index, so the unique index is on
# COALESCE(activity_id, 0) (ids start at 1), and the triggers name that expression as their ON CONFLICT target:
# PostgreSQL and SQLite both infer an expression index there. PostgreSQL touches the two summary rows of a
# moved contribution in key order, so concurrent moves cannot deadlock.
PREVIOUS = import_module("contributions.migrations.0003_contribution_summary")

COLUMNS = "partner_id, action_line_id, period_id, month, activity_id, kind, status"
CONFLICT = "partner_id, action_line_id, period_id, month, (COALESCE(activity_id, 0)), kind, status"
SQLITE_CONFLICT = "partner_id, action_line_id, period_id, month, COALESCE(activity_id, 0), kind, status"


def _pg_month(row: str) -> str:
    # date → timestamp without time zone: truncation never depends on the session's time zone.
    return f"date_trunc('month', {row}date::timestamp)::date"


def _pg_key(row: str) -> str:
    return (
        f"({row}.partner_id, {row}.action_line_id, {row}.period_id, {_pg_month(row + '.')}, "
        f"COALESCE({row}.activity_id, 0), {row}.kind, {row}.status)"
    )


def _pg_compared(row: str) -> str:
    return (
        f"({row}.partner_id, {row}.action_line_id, {row}.period_id, {_pg_month(row + '.')}, "
        f"{row}.activity_id, {row}.kind, {row}.status, {row}.hours, {row}.value)"
    )


UPDATED_COLUMNS = "partner_id, action_line_id, period_id, date, activity_id, kind, status, hours, value"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION contributions_summary_add(c contributions_contribution, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contributions_contributionsummary ({COLUMNS}, count, hours, value)
    VALUES (c.partner_id, c.action_line_id, c.period_id, {_pg_month("c.")}, c.activity_id, c.kind, c.status,
            sign, sign * COALESCE(c.hours, 0), sign * c.value)
    ON CONFLICT ({CONFLICT}) DO UPDATE SET
        count = contributions_contributionsummary.count + EXCLUDED.count,
        hours = contributions_contributionsummary.hours + EXCLUDED.hours,
        value = contributions_contributionsummary.value + EXCLUDED.value;
END $$;

CREATE OR REPLACE FUNCTION contributions_summary_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM contributions_summary_add(NEW, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM contributions_summary_add(OLD, -1);
    ELSIF {_pg_key("OLD")} <= {_pg_key("NEW")} THEN
        PERFORM contributions_summary_add(OLD, -1);
        PERFORM contributions_summary_add(NEW, 1);
    ELSE
        PERFORM contributions_summary_add(NEW, 1);
        PERFORM contributions_summary_add(OLD, -1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER contributions_summary_insert_delete
    AFTER INSERT OR DELETE ON contributions_contribution
    FOR EACH ROW EXECUTE FUNCTION contributions_summary_apply();
CREATE TRIGGER contributions_summary_update
    AFTER UPDATE OF {UPDATED_COLUMNS} ON contributions_contribution
    FOR EACH ROW WHEN ({_pg_compared("OLD")} IS DISTINCT FROM {_pg_compared("NEW")})
    EXECUTE FUNCTION contributions_summary_apply();
"""


def _sqlite_month(row: str) -> str:
    return f"date({row}date, 'start of month')"


def _sqlite_add(row: str, sign: int) -> str:
    return f"""
    INSERT INTO contributions_contributionsummary ({COLUMNS}, count, hours, value)
    VALUES ({row}.partner_id, {row}.action_line_id, {row}.period_id, {_sqlite_month(row + ".")}, {row}.activity_id,
            {row}.kind, {row}.status, {sign}, {sign} * COALESCE({row}.hours, 0), {sign} * {row}.value)
    ON CONFLICT ({SQLITE_CONFLICT}) DO UPDATE SET
        count = count + excluded.count, hours = hours + excluded.hours, value = value + excluded.value;"""


_CHANGED = " OR ".join(
    [f"{_sqlite_month('OLD.')} IS NOT {_sqlite_month('NEW.')}"]
    + [
        f"OLD.{column} IS NOT NEW.{column}"
        for column in ("partner_id", "action_line_id", "period_id", "activity_id", "kind", "status", "hours", "value")
    ]
)
SQLITE = [
    f"CREATE TRIGGER contributions_summary_insert AFTER INSERT ON contributions_contribution "
    f"BEGIN {_sqlite_add('NEW', 1)} END;",
    f"CREATE TRIGGER contributions_summary_delete AFTER DELETE ON contributions_contribution "
    f"BEGIN {_sqlite_add('OLD', -1)} END;",
    f"CREATE TRIGGER contributions_summary_update AFTER UPDATE OF {UPDATED_COLUMNS} ON contributions_contribution "
    f"WHEN {_CHANGED} BEGIN {_sqlite_add('OLD', -1)} {_sqlite_add('NEW', 1)} END;",
]


def _fill(month: str) -> str:
    return (
        f"INSERT INTO contributions_contributionsummary ({COLUMNS}, count, hours, value) "
        f"SELECT partner_id, action_line_id, period_id, {month}, activity_id, kind, status, "
        f"COUNT(*), COALESCE(SUM(hours), 0), SUM(value) FROM contributions_contribution "
        f"GROUP BY partner_id, action_line_id, period_id, {month}, activity_id, kind, status"
    )


def create_triggers(apps, schema_editor) -> None:
    """The triggers with the month and activity in the key, then the summary refilled from the contributions."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
        # The refill's foreign-key checks run now, not at commit: Django creates the index on activity_id after
        # this operation, and PostgreSQL refuses to alter a table with deferred checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(_fill(_pg_month("")))
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
        schema_editor.execute(_fill(_sqlite_month("")))
    else:
        raise NotImplementedError(f"contribution summary triggers for {vendor}")


def drop_triggers(apps, schema_editor) -> None:
    """Drop the summary's triggers (0003's and these have the same names) and empty it."""
    PREVIOUS.drop_triggers(apps, schema_editor)
    schema_editor.execute("DELETE FROM contributions_contributionsummary")


class Migration(migrations.Migration):
    dependencies = [
        ("actionlines", "0002_annual_plan"),
        ("contributions", "0003_contribution_summary"),
        ("partners", "0002_role_groups"),
    ]

    operations = [
        # Backwards, the last step: 0003's triggers again, and its summary refilled.
        migrations.RunPython(drop_triggers, PREVIOUS.create_triggers),
        migrations.RemoveConstraint(model_name="contributionsummary", name="contribution_summary_key"),
        migrations.AddField(
            model_name="contributionsummary",
            name="activity",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="actionlines.activity"
            ),
        ),
        migrations.AddField(
            model_name="contributionsummary",
            name="month",
            field=models.DateField(default=datetime.date(2000, 1, 1)),  # the table is empty here
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="contributionsummary",
            index=models.Index(fields=["month", "status"], name="contribution_summary_month"),
        ),
        migrations.AddConstraint(
            model_name="contributionsummary",
            constraint=models.UniqueConstraint(
                models.F("partner"),
                models.F("action_line"),
                models.F("period"),
                models.F("month"),
                django.db.models.functions.comparison.Coalesce(
                    models.F("activity"), models.Value(0), output_field=models.BigIntegerField()
                ),
                models.F("kind"),
                models.F("status"),
                name="contribution_summary_key",
            ),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["partner", "submitted_at"],
                name="contribution_waiting_partner",
            ),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                condition=models.Q(("submitted_at__isnull", False)),
                fields=["period", "partner"],
                name="contribution_period_submitted",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
