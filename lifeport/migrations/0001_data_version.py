# The data version of the page cache (removed: pages are computed on every request). Its table is made here and
# dropped by 0002, together with the commit-time triggers this migration used to put on every programme table.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partners", "0002_role_groups"),
        ("actionlines", "0002_annual_plan"),
        ("contributions", "0003_squashed_contribution_summary"),
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
    ]
