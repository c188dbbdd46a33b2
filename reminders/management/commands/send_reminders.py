from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from reminders.services import reminder_message, reminders_run


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Run the daily reminder job for a day (today by default); --dry-run lists who would get what."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", type=_day, default=None, help="The day to run for (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="List the reminders; send and record nothing.")

    def handle(self, *args, day: date | None = None, dry_run: bool = False, **options) -> None:
        day = day or timezone.localdate()
        if not dry_run:
            with transaction.atomic():
                result = reminders_run(day=day)
            self.stdout.write(f"{day.isoformat()}: {len(result.claimed)} reminder(s) claimed and queued for sending.")
            return
        result = reminders_run(day=day, dry_run=True)
        users = get_user_model().objects.in_bulk({d.recipient_id for d in result.due})
        for due in result.due:
            user = users[due.recipient_id]
            message = reminder_message(
                rule=due.rule, params=due.params, deadline=due.deadline, lead_days=due.lead_days, user=user
            )
            title = message.title if message else "(cause gone: would not be sent)"
            self.stdout.write(f"{day.isoformat()}  {due.rule:<16} {user.get_username():<20} {user.email:<40} {title}")
        self.stdout.write(f"{day.isoformat()}: {len(result.due)} reminder(s) would be sent (dry run: nothing sent).")
