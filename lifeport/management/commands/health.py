"""`manage.py health`: every part's health, one line each; exit 1 when any part fails (cron, compose)."""

from django.core.management.base import BaseCommand, CommandError

from lifeport.health import SCOPES, checks, label, run_checks


class Command(BaseCommand):
    help = "Check the database, cache, storage, disk, broker, a worker and beat's heartbeat; exit 1 on a failure."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scope",
            choices=SCOPES,
            default="all",
            help="Only the checks of one service: lb (/healthz), web, worker or beat; all by default.",
        )

    def handle(self, *args, scope: str, **options) -> None:
        results = run_checks(checks(scope))
        for result in results:
            status = f"FAIL {result.error}" if result.error else "OK"
            self.stdout.write(f"{label(result.check)}: {status} ({result.time_taken * 1000:.0f} ms)")
        failed = [label(result.check) for result in results if result.error]
        if failed:
            raise CommandError(f"unhealthy: {', '.join(failed)}", returncode=1)
