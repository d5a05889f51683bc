"""What Huntaze keeps about a person, in one registry: what goes into their export and what
their account's deletion does with each table.

Each app registers its own models at start-up (`personal_data_register`, from its
AppConfig.ready). tests/users/test_privacy.py fails when a model that points at a user is in
neither the export nor the deletion, so a new table cannot be forgotten.
"""

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.db import models

from apps.core.models import IdempotencyRecord

from .models import User

# What deletion does with a table's rows of the user.
DELETE = "delete"  # the rows go (explicitly or by the database's cascade)
ANONYMISE = "anonymise"  # the rows stay, the link to the user is set to NULL


@dataclass(frozen=True)
class PersonalData:
    """One table holding data about a user.

    `owner` is the lookup from the table to the user ("user", "conversation__user").
    `export` is the name of its file in the ZIP ("" when nothing of it is exported, with the
    reason in `not_exported_because`). `fields` are the exported columns (all but `exclude`
    when None). `also_points_at_users` names other columns pointing at users (a staff
    reviewer, say): deletion sets them to NULL, so they must be nullable. `files` gives
    the stored files of a row, added to the ZIP under files/.
    """

    model: type[models.Model]
    owner: str
    erase: str
    export: str = ""
    fields: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    also_points_at_users: tuple[str, ...] = ()
    not_exported_because: str = ""
    files: Callable[[models.Model], Iterable[tuple[Storage, str]]] | None = None
    order: str = "pk"

    def rows(self, user: User) -> models.QuerySet:
        # The base manager: every row, those a default manager hides (a trash) included.
        return self.model._base_manager.filter(**{self.owner: user.pk}).order_by(self.order)

    def exported_fields(self) -> list[models.Field]:
        concrete = list(self.model._meta.concrete_fields)
        if self.fields is not None:
            by_name = {f.name: f for f in concrete}
            return [by_name[name] for name in self.fields]
        owner_field = self.owner.split("__")[0]
        return [f for f in concrete if f.name not in self.exclude and f.name != owner_field]


_registry: list[PersonalData] = []


def personal_data_register(entry: PersonalData) -> None:
    if entry.erase not in (DELETE, ANONYMISE):
        raise ValueError(f"{entry.model.__name__}: erase must be DELETE or ANONYMISE")
    if not entry.export and not entry.not_exported_because:
        raise ValueError(f"{entry.model.__name__}: say why it is not exported")
    _registry.append(entry)


def personal_data_registry() -> list[PersonalData]:
    return list(_registry)


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def personal_data_rows(entry: PersonalData, user: User) -> list[dict]:
    """The user's rows of one table, as JSON-ready dicts (foreign keys as ids)."""
    fields = entry.exported_fields()
    out = []
    for row in entry.rows(user).iterator():
        out.append({f.name: _json_value(getattr(row, f.attname)) for f in fields})
    return out


def personal_data_dump(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True).encode()


def personal_data_erase(user: User) -> None:
    """Delete or anonymise every registered row of `user` (inside the caller's transaction).

    Anonymised tables first, so that their rows survive the deletions that follow."""
    for entry in sorted(_registry, key=lambda e: e.erase != ANONYMISE):
        if entry.model is User:
            continue
        rows = entry.model._base_manager.filter(**{entry.owner: user.pk})
        if entry.erase == ANONYMISE:
            rows.update(**{entry.owner: None})
        else:
            rows.delete()
        for column in entry.also_points_at_users:
            entry.model._base_manager.filter(**{column: user.pk}).update(**{column: None})


def profile_image_files(user: User) -> list[tuple[Storage, str]]:
    """The avatar and cover a user stored, as (storage, name): exported and deleted."""
    return [(image.storage, image.name) for image in (user.avatar, user.cover) if image]


def register_accounts() -> None:
    """The account's own tables and allauth's (called from UsersConfig.ready)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import LogEntry

    from .models import ApiKey, DataExport, Follow, Link, Persona, SecurityEvent

    entries = [
        # The account row itself goes last, in users.services.user_delete.
        PersonalData(
            User,
            owner="pk",
            erase=DELETE,
            export="account.json",
            exclude=("password", "id"),
            files=profile_image_files,
        ),
        PersonalData(Persona, owner="user", erase=DELETE, export="persona.json"),
        PersonalData(Link, owner="user", erase=DELETE, export="page_links.json"),
        PersonalData(
            ApiKey, owner="user", erase=DELETE, export="api_keys.json", exclude=("digest",)
        ),
        PersonalData(
            Follow,
            owner="follower",
            erase=DELETE,
            export="following.json",
            fields=("creator", "created_at"),
        ),
        PersonalData(
            Follow,
            owner="creator",
            erase=DELETE,
            not_exported_because="who follows a creator is their fans' data, not theirs",
        ),
        PersonalData(
            SecurityEvent,
            owner="user",
            erase=DELETE,
            export="security_events.json",
            fields=("kind", "detail", "ip", "user_agent", "created_at"),
            also_points_at_users=("actor",),
            order="created_at",
        ),
        PersonalData(
            DataExport,
            owner="user",
            erase=DELETE,
            not_exported_because="the exports themselves; their files go with the account",
        ),
        PersonalData(EmailAddress, owner="user", erase=DELETE, export="email_addresses.json"),
        PersonalData(
            SocialAccount,
            owner="user",
            erase=DELETE,
            export="connected_accounts.json",
            fields=("provider", "uid", "last_login", "date_joined", "extra_data"),
        ),
        PersonalData(
            Authenticator,
            owner="user",
            erase=DELETE,
            export="two_factor.json",
            fields=("type", "created_at", "last_used_at"),  # never the secrets
        ),
        PersonalData(
            UserSession,
            owner="user",
            erase=DELETE,
            export="sessions.json",
            fields=("ip", "user_agent", "created_at", "last_seen_at"),
        ),
        PersonalData(
            LogEntry,
            owner="user",
            erase=DELETE,
            not_exported_because="a staff member's admin log is about other people's accounts",
        ),
        PersonalData(
            IdempotencyRecord,
            owner="user",
            erase=DELETE,
            not_exported_because="copies of the API's answers, kept a day to replay retries",
        ),
    ]
    for entry in entries:
        personal_data_register(entry)
