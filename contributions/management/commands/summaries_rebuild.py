"""python manage.py summaries_rebuild [--check]

The contribution summary (ContributionSummary) is kept current by the services that write contributions
(contributions.figures.summary_apply). --check compares it with a full recount of the contributions and lists
every difference (exit status 1 when there is one), changing nothing; without --check the summary is
recomputed from the contributions (a repair).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contributions.figures import SUMMARY_KEY, differences
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
        found = differences()
        for key, summary, recount in found:
            where = ", ".join(f"{name}={value}" for name, value in zip(SUMMARY_KEY, key, strict=True))
            self.stdout.write(f"{where}: summary {summary}, recount {recount}")
        if found:
            raise CommandError(f"{len(found)} summary rows differ from the recount; run summaries_rebuild.")
        self.stdout.write("The contribution summary equals a full recount.")
