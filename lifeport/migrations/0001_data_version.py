# The data version (lifeport.models.DataVersion) moves on once per transaction that changes programme data.
#
# PostgreSQL: a deferred constraint trigger on every table of the programme apps. It runs at commit, so the
# new number becomes visible together with the data (a reader that sees the old number reads data at least
# as new, never older), and it takes the row lock only at the very end of the transaction (no lock held
# while the transaction still waits for others: no new deadlocks). A transaction-local setting makes it
# write once per transaction, however many rows changed. The number comes from a sequence, so it never
# repeats, not even after the tables are emptied (as the tests do).
# SQLite (the demo mode) does not cache pages, so it gets no triggers.

from django.db import migrations, models

APPS = ("partners", "actionlines", "contributions", "reports")

FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS lifeport_data_version_seq;
CREATE OR REPLACE FUNCTION lifeport_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lifeport.data_changed_in', true) IS DISTINCT FROM txid_current()::text THEN
        INSERT INTO lifeport_dataversion (id, number) VALUES (1, nextval('lifeport_data_version_seq'))
        ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number;
        PERFORM set_config('lifeport.data_changed_in', txid_current()::text, true);
    END IF;
    RETURN NULL;
END $$;
INSERT INTO lifeport_dataversion (id, number) VALUES (1, nextval('lifeport_data_version_seq'))
ON CONFLICT (id) DO NOTHING;
"""


def programme_tables(apps) -> list[str]:
    tables = set()
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def create_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in programme_tables(apps):
        schema_editor.execute(
            f'CREATE CONSTRAINT TRIGGER lifeport_data_changed AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lifeport_data_changed()"
        )


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in programme_tables(apps):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS lifeport_data_changed ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS lifeport_data_changed(); DROP SEQUENCE IF EXISTS lifeport_data_version_seq;")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partners", "0002_role_groups"),
        ("actionlines", "0002_annual_plan"),
        ("contributions", "0004_contribution_summary_month_activity"),
        ("reports", "0002_immutable_issued_reports"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.BigIntegerField()),
            ],
            options={"verbose_name": "data version"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
