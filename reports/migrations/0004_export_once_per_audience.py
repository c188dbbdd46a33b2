"""One current XLSX export per report and audience. Its own migration: PostgreSQL refuses to ALTER a table in
the transaction that updated its rows (0003)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_export_audience"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="reportexport",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["queued", "running", "done", "failed", "superseded"])),
                name="export_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportexport",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running", "done"])),
                fields=("report", "audience"),
                name="export_once_per_report_and_audience",
            ),
        ),
    ]
