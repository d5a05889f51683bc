"""backup_db and restore_db end to end: a real pg_dump of the test database into storage, a
real pg_restore into a scratch database, and the retention of old dumps."""

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from apps.core.backups import PREFIX, backup_list
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCRATCH = "huntaze_restore_scratch"


@pytest.fixture
def scratch_database():
    assert connection.vendor == "postgresql"
    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')
    admin.execute(f'CREATE DATABASE "{SCRATCH}"')
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{SCRATCH}"
    yield url
    admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    admin.close()


@pytest.fixture(autouse=True)
def _no_backups_left():
    yield
    for name in backup_list():
        default_storage.delete(name)


def test_a_backup_restores_into_a_scratch_database(scratch_database, capsys):
    UserFactory(email="kept@example.com", handle="kept")
    call_command("backup_db")
    assert "Backed up to backups/huntaze-" in capsys.readouterr().out
    [name] = backup_list()
    assert default_storage.size(name) > 1000

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_db", database_url=scratch_database)
    call_command("restore_db", name, database_url=scratch_database, yes=True)
    with psycopg.connect(scratch_database) as restored:
        emails = [row[0] for row in restored.execute("SELECT email FROM users_user")]
    assert "kept@example.com" in emails


def test_only_the_newest_backups_are_kept(capsys):
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        default_storage.save(f"{PREFIX}huntaze-{stamp}.dump", ContentFile(b"old"))
    call_command("backup_db", keep=2)
    names = backup_list()
    assert len(names) == 2 and names[0].endswith("20260103T000000Z.dump")
    assert "Removed 2 older backup(s)" in capsys.readouterr().out


def test_restoring_without_backups_or_with_an_unknown_name_says_so(scratch_database):
    with pytest.raises(CommandError, match="no backup"):
        call_command("restore_db", database_url=scratch_database, yes=True)
    default_storage.save(f"{PREFIX}huntaze-20260101T000000Z.dump", ContentFile(b"x"))
    with pytest.raises(CommandError, match="No backup named"):
        call_command("restore_db", "backups/nope.dump", database_url=scratch_database, yes=True)
