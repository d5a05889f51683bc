"""Back the database up into the private storage (S3 in production) and keep the newest.

python manage.py backup_db [--keep 14]
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.backups import BackupError, backup_create, backup_prune


class Command(BaseCommand):
    help = "pg_dump the database into storage, then delete all but the newest backups."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="How many backups to keep (default: BACKUP_KEEP).",
        )

    def handle(self, *args, keep: int, **options):
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            name = backup_create()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        removed = backup_prune(keep=keep)
        self.stdout.write(self.style.SUCCESS(f"Backed up to {name}."))
        if removed:
            self.stdout.write(f"Removed {len(removed)} older backup(s): {', '.join(removed)}")
