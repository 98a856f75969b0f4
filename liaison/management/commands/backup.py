"""``manage.py backup`` (``make backup``): one archive of the database and MEDIA_ROOT in
BACKUP_DIR, then only the BACKUP_KEEP newest kept. Exits non-zero when it fails, so that a
timer or cron job notices (README, "Backups")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media folder into one archive in BACKUP_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Instead of BACKUP_DIR.")
        parser.add_argument("--keep", type=int, help="Instead of BACKUP_KEEP.")

    def handle(self, *args, dir=None, keep=None, **options):
        try:
            path = backup_create(backup_dir=dir or settings.BACKUP_DIR, keep=keep)
        except BackupError as error:
            raise CommandError(error.message) from None
        except OSError as error:
            # A full disk, a folder the portal's user may not write: said in one line.
            raise CommandError(f"Backup failed: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"{path} ({path.stat().st_size} bytes)"))
