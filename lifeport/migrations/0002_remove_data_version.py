# No page cache: the data version goes, with the triggers that moved it on databases that ran the first version of
# 0001 (PostgreSQL only; it made none on SQLite). DROP … IF EXISTS: a database without them is left as it is.

from django.db import migrations

APPS = ("partners", "actionlines", "contributions", "reports")


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                schema_editor.execute(f'DROP TRIGGER IF EXISTS lifeport_data_changed ON "{model._meta.db_table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS lifeport_data_changed()")
    schema_editor.execute("DROP SEQUENCE IF EXISTS lifeport_data_version_seq")


class Migration(migrations.Migration):
    dependencies = [("lifeport", "0001_data_version")]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="DataVersion"),
    ]
