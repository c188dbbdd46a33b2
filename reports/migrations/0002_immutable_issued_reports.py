"""A database trigger refuses any UPDATE or DELETE of an issued report, whatever code runs it."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION reports_report_issued_is_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'report % is issued and cannot be changed', OLD.id USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_report_issued_no_update BEFORE UPDATE ON reports_report
    FOR EACH ROW WHEN (OLD.status = 'issued') EXECUTE FUNCTION reports_report_issued_is_frozen();
CREATE TRIGGER reports_report_issued_no_delete BEFORE DELETE ON reports_report
    FOR EACH ROW WHEN (OLD.status = 'issued') EXECUTE FUNCTION reports_report_issued_is_frozen();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS reports_report_issued_no_update ON reports_report;
DROP TRIGGER IF EXISTS reports_report_issued_no_delete ON reports_report;
DROP FUNCTION IF EXISTS reports_report_issued_is_frozen();
"""
# SQLite: UPDATE only. Django's test flush on SQLite deletes rows one table at a time.
SQLITE_UP = """
CREATE TRIGGER reports_report_issued_no_update BEFORE UPDATE ON reports_report
    WHEN OLD.status = 'issued'
    BEGIN SELECT RAISE(ABORT, 'report is issued and cannot be changed'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS reports_report_issued_no_update;"


def _run(sql_by_vendor: dict):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            if schema_editor.connection.vendor == "sqlite":
                schema_editor.execute(sql)
            else:
                with schema_editor.connection.cursor() as cursor:
                    cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
