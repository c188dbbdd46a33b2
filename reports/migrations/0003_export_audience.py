"""XLSX exports get an audience (figures only, a representative's partners, or all); see 0004 for the constraint.

Exports made before this were of every partner's lines, in review ones too, whoever asked: they are all
marked superseded (and removed a day later by the clean-up task); a reader who asks again gets the cut
that follows what they may read.
"""

from django.conf import settings
from django.db import migrations, models


def supersede_earlier_exports(apps, schema_editor):
    ReportExport = apps.get_model("reports", "ReportExport")
    ReportExport.objects.filter(status__in=["queued", "running", "done"]).update(status="superseded")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_immutable_issued_reports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reportexport",
            name="audience",
            field=models.CharField(default="all", max_length=200, verbose_name="audience"),
        ),
        migrations.AlterField(
            model_name="reportexport",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                    ("superseded", "Superseded"),
                ],
                default="queued",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(supersede_earlier_exports, migrations.RunPython.noop),
    ]
