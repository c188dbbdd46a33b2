# The database triggers that kept ContributionSummary before the services did (the old, unreleased 0003/0004,
# now replaced by 0003_squashed_contribution_summary) are dropped where they exist; elsewhere nothing happens.

from django.db import migrations

POSTGRESQL = """
DROP TRIGGER IF EXISTS contributions_summary_update ON contributions_contribution;
DROP TRIGGER IF EXISTS contributions_summary_insert_delete ON contributions_contribution;
DROP FUNCTION IF EXISTS contributions_summary_apply();
DROP FUNCTION IF EXISTS contributions_summary_add(contributions_contribution, integer);
"""
SQLITE = [f"DROP TRIGGER IF EXISTS contributions_summary_{name}" for name in ("insert", "delete", "update")]


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0005_import_job")]

    operations = [migrations.RunPython(drop_triggers, migrations.RunPython.noop)]
