"""``manage.py restore FILE`` (``make restore FILE=…``): the database and MEDIA_ROOT from one
archive of ``manage.py backup``, checked against its manifest before and after. Refuses,
changing nothing and exiting non-zero, a damaged or altered archive, another vendor's
dump, and a target that holds data unless ``--force`` (README, "Backups")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and the media folder from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A zhashui-backup-….tar.gz archive.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database and media folder that already hold data.",
        )

    def handle(self, *args, file, force, **options):
        try:
            result = backup_restore(path=file, force=force)
        except BackupError as error:
            raise CommandError(error.message) from None
        except OSError as error:
            # A full disk, a folder the portal's user may not write: said in one line.
            raise CommandError(f"Restore failed: {error}") from None
        manifest = result.manifest
        self.stdout.write(
            f"Backup of {manifest['created_at']} (code {manifest.get('app_version') or 'unknown'}, "
            f"{manifest['database']['vendor']}):"
        )
        width = max((len(label) for label, _, _ in result.counts), default=10)
        for label, expected, restored in result.counts:
            self.stdout.write(f"  {label:<{width}}  {expected:>8}  {restored:>8}  ok")
        self.stdout.write(
            f"  {'media files':<{width}}  {manifest['media_files']:>8}  {result.media_files:>8}  ok"
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    "This code has migrations the backup predates: run `manage.py migrate`."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Restored {file}: every count matches."))
