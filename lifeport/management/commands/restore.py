from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifeport.backups import BackupError, backup_check, backup_opened, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder: the database of DATABASE_URL is replaced, the media files copied back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            type=Path,
            help="The backup folder or encrypted archive, e.g. var/backups/2026-11-28_020000[.tar.gpg]",
        )
        parser.add_argument("--no-input", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder: Path, no_input: bool = False, **options) -> None:
        try:
            with backup_opened(folder) as opened:
                self._restore(opened, shown=folder, no_input=no_input)
        except BackupError as error:
            raise CommandError(str(error)) from error

    def _restore(self, folder: Path, *, shown: Path, no_input: bool) -> None:
        manifest = backup_check(folder)
        name = settings.DATABASES["default"]["NAME"]
        if not no_input:
            self.stdout.write(
                f"This REPLACES database {name} with the backup of {manifest['created_at']} "
                f"and puts its media files back into the media storage ({settings.MEDIA_STORAGE})."
            )
            if input("Type 'yes' to continue: ").strip() != "yes":
                raise CommandError("Restore cancelled.")
        backup_restore(folder=folder)
        self.stdout.write(self.style.SUCCESS(f"Restored {shown} into {name}."))
