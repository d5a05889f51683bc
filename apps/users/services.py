import datetime
import hashlib
import io
import logging
import secrets
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from apps.core.images import image_read
from apps.core.tasks import enqueue, enqueue_stale

from .audit import security_event_record
from .limits import max_links_for
from .models import ApiKey, DataExport, Follow, Link, Persona, SecurityEvent, User
from .signals import public_profile_changed, user_deleting

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "huntaze-demo"  # noqa: S105 - a published demo credential, DEBUG only
API_KEY_PREFIX = "hz_"


@dataclass(frozen=True)
class SeededAccount:
    label: str
    email: str
    password: str


def user_ensure_verified_email(*, user: User) -> None:
    """Mark the user's address as verified and primary, as allauth expects for log-in."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def user_public_changed(*, user: User, old_handle: str | None = None) -> None:
    """Announce a change fans can see that did not go through the services (admin edits)."""
    _public_changed(user, old_handle)


def _public_changed(user: User, *handles: str | None) -> None:
    """Tell listeners (the public page cache) once the transaction commits."""
    names = tuple(sorted({h for h in (*handles, user.handle) if h}))
    transaction.on_commit(
        lambda: public_profile_changed.send(sender=User, user=user, handles=names)
    )


# Profile ---------------------------------------------------------------------------------


def avatar_process(*, upload: UploadedFile) -> ContentFile:
    """Check an uploaded avatar by its content and re-encode it as a square WebP under a
    server-chosen name. Raises ValidationError (see image_read)."""

    def square_webp(image: Image.Image) -> bytes:
        size = settings.AVATAR_SIZE_PX
        image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=85)
        return out.getvalue()

    data = image_read(upload=upload, max_bytes=settings.AVATAR_MAX_BYTES, use=square_webp)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.webp")


def cover_process(*, upload: UploadedFile) -> ContentFile:
    """Check an uploaded cover by its content and re-encode it as a 3:1 WebP banner under a
    server-chosen name. Raises ValidationError (see image_read)."""

    def banner_webp(image: Image.Image) -> bytes:
        width = settings.COVER_WIDTH_PX
        image = ImageOps.fit(image, (width, width // 3), method=Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=82)
        return out.getvalue()

    data = image_read(upload=upload, max_bytes=settings.AVATAR_MAX_BYTES, use=banner_webp)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.webp")


def _replace_image(user: User, field: str, new: ContentFile | None, remove: bool) -> None:
    """Put `new` in the image field (or empty it), deleting the old file once committed."""
    current = getattr(user, field)
    old_name, storage = (current.name, current.storage) if current else ("", None)
    if new is not None:
        current.save(new.name, new, save=False)
    elif remove:
        setattr(user, field, None)
    after = getattr(user, field)
    if old_name and old_name != (after.name if after else ""):
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    name: str,
    handle: str | None,
    bio: str,
    time_zone: str | None = None,
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
    cover: ContentFile | None = None,
    remove_cover: bool = False,
    accent: str | None = None,
) -> User:
    """Save a user's public profile. `avatar` and `cover` are the outputs of
    avatar_process and cover_process."""
    old_handle = User.objects.filter(pk=user.pk).values_list("handle", flat=True).first()
    user.name = name.strip()
    user.handle = (handle or "").strip().lower() or None
    user.bio = bio.strip()
    if time_zone:
        user.time_zone = time_zone
    if accent:
        user.accent = accent
    _replace_image(user, "avatar", avatar, remove_avatar)
    _replace_image(user, "cover", cover, remove_cover)
    user.full_clean(exclude=["password"])
    user.save()
    _public_changed(user, old_handle)
    return user


@transaction.atomic
def user_complete_onboarding(*, user: User, name: str, handle: str, voice: str, tone: str) -> User:
    """Give a new creator a handle, a display name and a first persona."""
    user.name = name.strip()
    user.handle = handle.strip().lower()
    user.onboarded_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    persona_update(user=user, voice=voice, tone=tone)
    return user


def persona_get_or_default(*, user: User) -> Persona:
    """The user's persona, or an unsaved default one."""
    try:
        return user.persona
    except Persona.DoesNotExist:
        return Persona(user=user)


@transaction.atomic
def persona_update(*, user: User, **fields) -> Persona:
    persona = persona_get_or_default(user=user)
    for field, value in fields.items():
        setattr(persona, field, value.strip() if isinstance(value, str) else value)
    persona.full_clean()
    persona.save()
    return persona


# Links -----------------------------------------------------------------------------------


@transaction.atomic
def link_create(*, user: User, title: str, url: str) -> Link:
    """Add a link at the end of the user's page, within the plan's number of links."""
    # Lock the user row so two parallel requests cannot both pass the limit check.
    User.objects.select_for_update().get(pk=user.pk)
    limit = max_links_for(user)
    count = Link.objects.filter(user=user).count()
    if count >= limit:
        raise ValidationError(
            _("Your plan allows %(limit)s links. Remove one or upgrade to add more.")
            % {"limit": limit}
        )
    link = Link(user=user, title=title.strip(), url=url.strip(), position=count)
    link.full_clean()
    link.save()
    _public_changed(user)
    return link


@transaction.atomic
def link_update(*, link: Link, title: str, url: str) -> Link:
    link.title = title.strip()
    link.url = url.strip()
    link.full_clean()
    link.save()
    _public_changed(link.user)
    return link


@transaction.atomic
def link_delete(*, link: Link) -> None:
    user = link.user
    link.delete()
    for position, other in enumerate(Link.objects.filter(user=user)):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    _public_changed(user)


@transaction.atomic
def link_move(*, link: Link, offset: int) -> None:
    """Move a link up (-1) or down (+1) on the page."""
    links = list(Link.objects.select_for_update().filter(user=link.user))
    index = next(i for i, item in enumerate(links) if item.pk == link.pk)
    target = max(0, min(len(links) - 1, index + offset))
    links.insert(target, links.pop(index))
    for position, item in enumerate(links):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _public_changed(link.user)


@transaction.atomic
def link_reorder(*, user: User, link_ids: list) -> list[Link]:
    """Put the user's links in this order; the list must hold each of their links once."""
    links = {link.pk: link for link in Link.objects.select_for_update().filter(user=user)}
    if len(link_ids) != len(links) or {str(i) for i in link_ids} != {str(k) for k in links}:
        raise ValidationError({"order": _("List each of your links exactly once.")})
    by_text = {str(pk): link for pk, link in links.items()}
    ordered = [by_text[str(link_id)] for link_id in link_ids]
    for position, link in enumerate(ordered):
        if link.position != position:
            link.position = position
            link.save(update_fields=["position"])
    _public_changed(user)
    return ordered


# Moderation and follows ------------------------------------------------------------------


@transaction.atomic
def user_suspend(*, user: User, reason: str, actor: User | None = None) -> User:
    """Take a creator's public page down, with the reason staff recorded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"suspension_reason": _("Say why the account is suspended.")})
    user.suspended_at = timezone.now()
    user.suspension_reason = reason[:300]
    user.save(update_fields=["suspended_at", "suspension_reason", "updated_at"])
    security_event_record(
        user=user,
        kind=SecurityEvent.Kind.STAFF_ACTION,
        detail=f"Page suspended: {reason}",
        actor=actor,
    )
    _public_changed(user)
    return user


@transaction.atomic
def user_unsuspend(*, user: User, actor: User | None = None) -> User:
    user.suspended_at = None
    user.save(update_fields=["suspended_at", "updated_at"])
    security_event_record(
        user=user, kind=SecurityEvent.Kind.STAFF_ACTION, detail="Suspension lifted", actor=actor
    )
    _public_changed(user)
    return user


@transaction.atomic
def follow_create(*, follower: User, creator: User) -> Follow:
    if follower.pk == creator.pk:
        raise ValidationError(_("You cannot follow yourself."))
    if not User.objects.public_creators().filter(pk=creator.pk).exists():
        raise ValidationError(_("This creator cannot be followed."))
    follow, _created = Follow.objects.get_or_create(follower=follower, creator=creator)
    return follow


@transaction.atomic
def follow_delete(*, follower: User, creator: User) -> None:
    Follow.objects.filter(follower=follower, creator=creator).delete()


# API keys --------------------------------------------------------------------------------


def _api_key_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, user: User, name: str, scope: str = ApiKey.Scope.READ_WRITE
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is never stored or shown again."""
    raw_key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=raw_key[:10],
        digest=_api_key_digest(raw_key),
    )
    key.full_clean()
    key.save()
    security_event_record(
        user=user,
        kind=SecurityEvent.Kind.API_KEY_CREATED,
        detail=f"{key.name} ({key.prefix}…, {key.get_scope_display().lower()})",
    )
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        security_event_record(
            user=key.user,
            kind=SecurityEvent.Kind.API_KEY_REVOKED,
            detail=f"{key.name} ({key.prefix}…)",
        )
    return key


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key (its user loaded) whose owner is active, or None. Records when the
    key was last used."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    key = (
        ApiKey.objects.select_related("user")
        .filter(digest=_api_key_digest(raw_key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    # One write a minute at most per key, so a busy script does not hammer the row.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# Demo ------------------------------------------------------------------------------------


@transaction.atomic
def demo_users_seed() -> list[SeededAccount]:
    """Create (or reset) the demo creator `demo` and a staff user, with verified e-mails.

    Idempotent: running it twice leaves the same two accounts with the demo password.
    """
    creator, _created = User.objects.update_or_create(
        email="demo@huntaze.local",
        defaults={"handle": "demo", "name": "Demo Creator", "role": User.Role.CREATOR},
    )
    staff, _created = User.objects.update_or_create(
        email="staff@huntaze.local",
        defaults={
            "name": "Huntaze Staff",
            "role": User.Role.FAN,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    for user in (creator, staff):
        user.set_password(DEMO_PASSWORD)
        if user.onboarded_at is None:
            user.onboarded_at = timezone.now()
        user.full_clean()
        user.save()
        user_ensure_verified_email(user=user)
    persona_update(
        user=creator,
        voice="Sunny fitness creator who talks to fans like close friends; short sentences.",
        tone=Persona.Tone.PLAYFUL,
        emojis=Persona.Emojis.SOME,
        words_to_avoid="cheap, desperate",
        languages="en,fr",
    )
    if not creator.links.exists():
        link_create(user=creator, title="Instagram", url="https://instagram.com/demo")
        link_create(user=creator, title="TikTok", url="https://www.tiktok.com/@demo")
    return [
        SeededAccount("creator", creator.email, DEMO_PASSWORD),
        SeededAccount("staff", staff.email, DEMO_PASSWORD),
    ]


class AccountDeletionRefused(Exception):
    """Something outside our database (Stripe) refused its part; nothing was deleted.
    The message is safe to show."""


@transaction.atomic
def user_delete(*, user: User, actor: User | None = None) -> None:
    """Delete an account for good: every app's part first (through the user_deleting signal:
    Stripe subscriptions cancelled, image files removed on commit), then every registered
    table's rows deleted or anonymised (users/privacy.py), its sessions ended, its cached
    public pages purged, and the account row last. `actor` is the member of staff who did it
    from the admin, or None for the owner. Raises AccountDeletionRefused, having changed
    nothing, when a receiver refuses."""
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from .privacy import personal_data_erase, profile_image_files

    user_id = user.pk
    User.objects.select_for_update().get(pk=user_id)
    user_deleting.send(sender=User, user=user)
    files = profile_image_files(user)
    files += [
        (default_storage, name)
        for name in DataExport.objects.filter(user=user)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    ]
    for session in UserSession.objects.filter(user=user):
        session.end()
    personal_data_erase(user)
    # Staff edits of the account stay in the admin log under its number, not its address.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user_id)
    ).update(object_repr=f"user #{user_id}")
    _public_changed(user)
    user.delete()
    security_event_record(
        user=None,
        kind=SecurityEvent.Kind.ACCOUNT_DELETED,
        detail=f"Account #{user_id} deleted " + ("by staff" if actor else "by its owner"),
        actor=actor,
    )

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    if files:
        transaction.on_commit(remove_files)


# Data export -----------------------------------------------------------------------------

EXPORT_LIFETIME = datetime.timedelta(days=7)
EXPORT_REQUEUE_AFTER = datetime.timedelta(minutes=2)

EXPORT_README = """Everything Huntaze keeps about your account, exported on {date}.

Each .json file is one kind of data, as a list of records (dates in UTC, ISO 8601).
files/ holds your avatar, your cover and the images you uploaded, under their stored names.

{contents}
"""


def data_export_request(*, user: User) -> DataExport:
    """Start building the user's export, or return the one already being built."""
    from .tasks import data_export_run

    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        pending = DataExport.objects.filter(
            user=user, state__in=[DataExport.State.QUEUED, DataExport.State.RUNNING]
        ).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(user=user)
        security_event_record(user=user, kind=SecurityEvent.Kind.EXPORT_REQUESTED)
    enqueue(data_export_run, str(export.pk))
    return export


def _export_progress(export: DataExport, progress: int) -> None:
    DataExport.objects.filter(pk=export.pk).update(progress=progress, updated_at=timezone.now())


def data_exports_requeue(*, older_than: datetime.timedelta = EXPORT_REQUEUE_AFTER) -> int:
    """Send again the exports still queued after `older_than` (beat, every minute)."""
    from .tasks import data_export_run

    queued = DataExport.objects.filter(state=DataExport.State.QUEUED)
    return enqueue_stale(queued, data_export_run, older_than=older_than, limit=100)


def data_export_build(*, export_id) -> DataExport | None:
    """Build the ZIP of an export (the Celery job's body). Safe to run twice: a finished
    export is left alone, and a re-run of an interrupted one starts again."""
    from .privacy import personal_data_dump, personal_data_registry, personal_data_rows

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.finished:
        return export
    # Claim it: a queued export, or one left running by a worker that died. Never one that
    # another worker is building now.
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        DataExport.objects.filter(pk=export.pk)
        .filter(
            Q(state=DataExport.State.QUEUED)
            | Q(state=DataExport.State.RUNNING, updated_at__lt=stale)
        )
        .update(state=DataExport.State.RUNNING, progress=1, updated_at=timezone.now())
    )
    if not claimed:
        return export
    user = export.user
    entries = [entry for entry in personal_data_registry() if entry.export]
    contents = []
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
                for number, entry in enumerate(entries, start=1):
                    rows = personal_data_rows(entry, user)
                    archive.writestr(entry.export, personal_data_dump(rows))
                    contents.append(f"- {entry.export}: {len(rows)} record(s)")
                    if entry.files is not None:
                        for row in entry.rows(user):
                            for storage, name in entry.files(row):
                                _export_file(archive, storage, name)
                    _export_progress(export, 5 + 90 * number // len(entries))
                archive.writestr(
                    "README.txt",
                    EXPORT_README.format(
                        date=timezone.now().isoformat(timespec="seconds"),
                        contents="\n".join(contents),
                    ),
                )
            size = spool.tell()
            spool.seek(0)
            name = default_storage.save(f"exports/{export.pk}.zip", File(spool))
    except Exception as exc:
        logger.exception("data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(
            state=DataExport.State.FAILED,
            error=f"{type(exc).__name__}"[:300],
            finished_at=timezone.now(),
        )
        export.refresh_from_db()
        return export
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(
        state=DataExport.State.DONE,
        progress=100,
        file_name=name,
        size=size,
        finished_at=now,
        expires_at=now + EXPORT_LIFETIME,
    )
    export.refresh_from_db()
    return export


def _export_file(archive: zipfile.ZipFile, storage, name: str) -> None:
    if not name:
        return
    try:
        source = storage.open(name, "rb")
    except FileNotFoundError:
        logger.warning("export: %s is missing from storage", name)
        return
    with source, archive.open(f"files/{name}", "w") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)


def data_export_downloaded(*, export: DataExport) -> None:
    security_event_record(user=export.user, kind=SecurityEvent.Kind.EXPORT_DOWNLOADED)


def data_exports_expire() -> int:
    """Delete the files of expired exports (beat, hourly). Returns how many were removed."""
    expired = list(DataExport.objects.filter(expires_at__lte=timezone.now()).exclude(file_name=""))
    for export in expired:
        default_storage.delete(export.file_name)
        DataExport.objects.filter(pk=export.pk).update(file_name="")
    return len(expired)
