"""Database backups: pg_dump into the private storage (S3 in production), kept for a number
of days, and pg_restore back into a database. Used by `backup_db` and `restore_db`."""

import datetime
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

PREFIX = "backups/"


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def _connection_env(database: dict) -> tuple[list[str], dict]:
    """pg_dump/pg_restore arguments and environment for a Django database dict; the
    password goes through the environment, never the command line."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (set DATABASE_URL).")
    args = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        args += ["--host", database["HOST"]]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return args, env


def backup_create(*, database: dict | None = None, now: datetime.datetime | None = None) -> str:
    """Dump the database (custom format, compressed) into storage; returns the file's name."""
    database = database or settings.DATABASES["default"]
    args, env = _connection_env(database)
    stamp = (now or timezone.now()).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "dump"
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60 * 60,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        with target.open("rb") as handle:
            return default_storage.save(f"{PREFIX}huntaze-{stamp}.dump", File(handle))


def backup_list() -> list[str]:
    """Stored backups, oldest first (their names sort by time)."""
    try:
        _folders, files = default_storage.listdir(PREFIX)
    except FileNotFoundError:
        return []
    return sorted(PREFIX + name for name in files if name.endswith(".dump"))


def backup_prune(*, keep: int) -> list[str]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    names = backup_list()
    old = names[: max(0, len(names) - keep)]
    for name in old:
        default_storage.delete(name)
    return old


def backup_restore(*, name: str, database: dict) -> None:
    """Restore a stored backup into `database`, replacing what is there."""
    args, env = _connection_env(database)
    if not default_storage.exists(name):
        raise BackupError(f"No backup named {name}.")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "dump"
        with default_storage.open(name, "rb") as stored, source.open("wb") as local:
            shutil.copyfileobj(stored, local)
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60 * 60,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
