"""python manage.py summaries_rebuild [--check]

The contribution summary (ContributionSummary) is kept current by database triggers. --check compares it with
a full recount of the contributions and lists every difference (exit status 1 when there is one), changing
nothing; without --check the summary is recomputed from the contributions (after a load that bypassed the
triggers, or to repair it).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contributions.selectors import SUMMARY_KEY, summary_differences
from contributions.services import summaries_rebuild


class Command(BaseCommand):
    help = "Check the contribution summary against a full recount (--check), or rebuild it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare with a recount; change nothing")

    def handle(self, *args, check: bool, **options) -> None:
        if not check:
            rows = summaries_rebuild()
            self.stdout.write(f"Contribution summary rebuilt: {rows} rows.")
            return
        differences = summary_differences()
        for key, summary, recount in differences:
            where = ", ".join(f"{name}={value}" for name, value in zip(SUMMARY_KEY, key, strict=True))
            self.stdout.write(f"{where}: summary {summary}, recount {recount}")
        if differences:
            raise CommandError(f"{len(differences)} summary rows differ from the recount; run summaries_rebuild.")
        self.stdout.write("The contribution summary equals a full recount.")
