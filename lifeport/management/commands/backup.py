from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifeport.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Write a backup (database dump and media files) to a dated folder under BACKUP_DIR (var/backups/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", dest="target", type=Path, help="Put the dated folder here instead of BACKUP_DIR.")

    def handle(self, *args, target: Path | None = None, **options) -> None:
        try:
            folder = backup_create(target_dir=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
