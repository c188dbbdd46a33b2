# ContributionSummary: running totals per partner × action line × period × month × activity × kind × status.
# It replaces 0003_contribution_summary and 0004_contribution_summary_month_activity (unreleased), which kept the
# summary with database triggers; the services keep it now (contributions.figures.summary_apply), 0006 drops
# those triggers where the old migrations made them, and 0007 gives the summary its present shape and fills it.

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("contributions", "0003_contribution_summary"),
        ("contributions", "0004_contribution_summary_month_activity"),
    ]

    dependencies = [
        ("actionlines", "0002_annual_plan"),
        ("contributions", "0002_contribution_activity"),
        ("partners", "0002_role_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContributionSummary",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("staff_hours", "Staff hours (in kind)"),
                            ("facilities", "Facilities and space (in kind)"),
                            ("materials", "Materials and equipment (in kind)"),
                            ("other", "Other (in kind)"),
                            ("money", "Money (funded)"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("approved", "Approved"),
                            ("returned", "Returned"),
                        ],
                        max_length=20,
                    ),
                ),
                ("count", models.IntegerField(default=0)),
                ("hours", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("value", models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                (
                    "action_line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="actionlines.actionline"
                    ),
                ),
                (
                    "activity",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="actionlines.activity",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partners.partner"
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contributions.reportingperiod",
                    ),
                ),
            ],
            options={
                "verbose_name": "contribution totals",
                "verbose_name_plural": "contribution totals",
                "indexes": [
                    models.Index(fields=["status", "partner"], name="contribution_summary_status"),
                    models.Index(fields=["month", "status"], name="contribution_summary_month"),
                ],
                "constraints": [
                    models.UniqueConstraint(
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
                    )
                ],
            },
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
    ]
