"""Restore a backup made by backup_db, replacing the target database's contents.

python manage.py restore_db [NAME] [--database-url URL] --yes
"""

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.backups import BackupError, backup_list, backup_restore


class Command(BaseCommand):
    help = "pg_restore a stored backup (the newest by default) into a database."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="A backup's name (default: the newest).")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the configured one (a scratch copy).",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the target's contents are replaced."
        )

    def handle(self, *args, name: str | None, database_url: str | None, yes: bool, **options):
        names = backup_list()
        if not names:
            raise CommandError("There is no backup to restore.")
        name = name or names[-1]
        if not yes:
            raise CommandError(f"This replaces the database with {name}. Add --yes to go on.")
        database = (
            environ.Env.db_url_config(database_url)
            if database_url
            else settings.DATABASES["default"]
        )
        try:
            backup_restore(name=name, database=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {name} into {database['NAME']}."))
