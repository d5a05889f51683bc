"""Writes of the library: drafts, posts, their images, publishing and scheduling."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.users.audit import security_event_record
from apps.users.models import SecurityEvent, User

from ..models import ContentItem
from ..public.cache import public_cache_invalidate
from .media import media_create, media_delete, media_make_private, media_make_public

logger = logging.getLogger(__name__)

# How far ahead a post can be scheduled; the schedule form and `content_item_schedule` both
# read it.
SCHEDULE_MAX_AHEAD = datetime.timedelta(days=2 * 366)


def _invalidate_public(item: ContentItem, was_public: bool) -> None:
    """After commit: publish or withdraw the post's image, then refresh the public pages."""
    if not (was_public or item.status == ContentItem.Status.PUBLISHED):
        return
    media, handle = item.media, item.user.handle
    if media is not None:
        sync = (
            media_make_public if item.status == ContentItem.Status.PUBLISHED else media_make_private
        )
        transaction.on_commit(lambda: sync(media))
    transaction.on_commit(lambda: public_cache_invalidate(handle))


def _unique_slug(item: ContentItem) -> str:
    """A slug none of the creator's other posts has. Takes the creator's row lock first, so
    that posts published at the same moment never pick the same slug (called in the
    publishing transaction, which holds the lock until it commits)."""
    type(item.user).objects.select_for_update().filter(pk=item.user_id).first()
    base = slugify(item.title or item.body[:60])[:60].strip("-") or "post"
    slug, number = base, 2
    while ContentItem.objects.filter(user=item.user, slug=slug).exclude(pk=item.pk).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def content_item_create(
    *, user, kind: str, title: str, body: str, prompt: str = "", usage_id: int | None = None
) -> ContentItem:
    """A new draft; `prompt` and `usage_id` tie a draft from the AI to its request and ledger
    row."""
    item = ContentItem(
        user=user,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        prompt=prompt,
        usage_id=usage_id,
    )
    item.full_clean(exclude=["usage"])
    item.save()
    return item


@transaction.atomic
def content_item_edit(*, item: ContentItem, kind: str, title: str, body: str) -> ContentItem:
    """Change a post's text; a published post changes on the public page too."""
    item.kind = kind
    item.title = title.strip()
    item.body = body.strip()
    if not item.body:
        raise ValidationError({"body": _("The text cannot be empty.")})
    item.full_clean(exclude=["usage"])
    item.save()
    _invalidate_public(item, was_public=item.is_public)
    return item


@transaction.atomic
def content_item_duplicate(*, item: ContentItem) -> ContentItem:
    if item.moderated_at is not None:
        # A copy would be a way round the take-down.
        raise ValidationError(_("Staff took this post down; it cannot be copied."))
    copy = ContentItem(
        user=item.user,
        kind=item.kind,
        title=(_("Copy of %(title)s") % {"title": item.title})[:200] if item.title else "",
        body=item.body,
        prompt=item.prompt,
    )
    copy.full_clean(exclude=["usage"])
    copy.save()
    return copy


@transaction.atomic
def content_item_publish(*, item: ContentItem, now=None) -> ContentItem:
    if item.moderated_at is not None:
        raise ValidationError(_("Staff took this post down; it cannot be published again."))
    item.status = ContentItem.Status.PUBLISHED
    item.published_at = now or timezone.now()
    item.scheduled_for = None
    if not item.slug:
        item.slug = _unique_slug(item)
    item.save(update_fields=["status", "published_at", "scheduled_for", "slug", "updated_at"])
    _invalidate_public(item, was_public=True)
    return item


@transaction.atomic
def content_item_schedule(*, item: ContentItem, when) -> ContentItem:
    """Publish later. `when` is an aware datetime in the future."""
    if timezone.is_naive(when):
        raise ValidationError({"scheduled_for": _("The time needs a time zone.")})
    if when <= timezone.now():
        raise ValidationError({"scheduled_for": _("Pick a time in the future.")})
    if when > timezone.now() + SCHEDULE_MAX_AHEAD:
        raise ValidationError({"scheduled_for": _("Pick a time within the next two years.")})
    if item.moderated_at is not None:
        raise ValidationError(_("Staff took this post down; it cannot be published again."))
    was_public = item.is_public
    item.status = ContentItem.Status.SCHEDULED
    item.scheduled_for = when
    item.scheduled_time_zone = getattr(when.tzinfo, "key", "")
    item.save(update_fields=["status", "scheduled_for", "scheduled_time_zone", "updated_at"])
    _invalidate_public(item, was_public=was_public)
    return item


@transaction.atomic
def content_item_set_status(*, item: ContentItem, status: str) -> ContentItem:
    """Back to draft (unpublish or unschedule) or archive."""
    if status not in (ContentItem.Status.DRAFT, ContentItem.Status.ARCHIVED):
        raise ValidationError(_("Use publish or schedule for that."))
    was_public = item.is_public
    item.status = status
    item.scheduled_for = None
    item.save(update_fields=["status", "scheduled_for", "updated_at"])
    _invalidate_public(item, was_public=was_public)
    return item


# How long a deleted item can be brought back before it is purged for good.
TRASH_DAYS = 30


@transaction.atomic
def content_item_trash(*, item: ContentItem) -> ContentItem:
    """Delete an item so that it can still be undone: it leaves every page, feed and
    schedule at once, and is purged after TRASH_DAYS (content_trash_purge)."""
    was_public = item.is_public
    item.deleted_at = timezone.now()
    item.save(update_fields=["deleted_at", "updated_at"])
    _invalidate_public(item, was_public=was_public)
    return item


@transaction.atomic
def content_item_restore(*, item: ContentItem) -> ContentItem:
    """Undo a delete: the item comes back as it was (a published post to the page)."""
    item.deleted_at = None
    item.save(update_fields=["deleted_at", "updated_at"])
    _invalidate_public(item, was_public=item.is_public)
    return item


def content_trash_purge(*, now=None) -> int:
    """Delete for good the items in the trash for more than TRASH_DAYS (beat, daily)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=TRASH_DAYS)
    purged = 0
    for item in ContentItem.all_objects.filter(deleted_at__lt=cutoff).select_related(
        "user", "media"
    ):
        with transaction.atomic():
            content_item_remove(item=item)
        purged += 1
    return purged


@transaction.atomic
def content_item_remove(*, item: ContentItem) -> None:
    was_public = item.is_public
    handle, media = item.user.handle, item.media
    item.delete()
    if media is not None and not media.items.exists():
        transaction.on_commit(lambda: media_delete(media=media))
    if was_public:
        transaction.on_commit(lambda: public_cache_invalidate(handle))


@transaction.atomic
def content_item_describe_image(*, item: ContentItem, alt_text: str) -> ContentItem:
    """Say what the post's image shows (its alt text)."""
    if item.media is None:
        raise ValidationError(_("This post has no image to describe."))
    item.media.alt_text = alt_text.strip()[:250]
    item.media.save(update_fields=["alt_text"])
    if item.is_public:
        transaction.on_commit(lambda: public_cache_invalidate(item.user.handle))
    return item


@transaction.atomic
def content_item_attach_image(*, item: ContentItem, upload, alt_text: str = "") -> ContentItem:
    """Give a post its image (replacing any previous one)."""
    old = item.media
    item.media = media_create(user=item.user, upload=upload)
    if alt_text.strip():
        item.media.alt_text = alt_text.strip()[:250]
        item.media.save(update_fields=["alt_text"])
    item.save(update_fields=["media", "updated_at"])
    if item.is_public:
        _invalidate_public(item, was_public=True)
    if old is not None and not old.items.exists():
        transaction.on_commit(lambda: media_delete(media=old))
    return item


@transaction.atomic
def content_item_detach_image(*, item: ContentItem) -> ContentItem:
    old = item.media
    if old is None:
        return item
    item.media = None
    item.save(update_fields=["media", "updated_at"])
    if item.is_public:
        _invalidate_public(item, was_public=True)
    if not old.items.exists():
        transaction.on_commit(lambda: media_delete(media=old))
    return item


def content_publish_due(*, now=None) -> int:
    """Publish every scheduled post whose time has come. Safe to run twice, or in two
    workers at once: each post is locked and re-checked before it is published."""
    now = now or timezone.now()
    published = 0
    due = ContentItem.objects.filter(
        status=ContentItem.Status.SCHEDULED, scheduled_for__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            item = (
                ContentItem.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, status=ContentItem.Status.SCHEDULED, scheduled_for__lte=now)
                .first()
            )
            if item is None:
                continue
            content_item_publish(item=item, now=item.scheduled_for)
            published += 1
    if published:
        logger.info("published %s scheduled posts", published)
    return published


@transaction.atomic
def content_item_moderate(
    *, item: ContentItem, reason: str, actor: User | None = None
) -> ContentItem:
    """Staff take a post off the public page, with the reason recorded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"moderation_reason": _("Say why the post is taken down.")})
    was_public = item.is_public
    item.status = ContentItem.Status.ARCHIVED
    item.scheduled_for = None
    item.moderated_at = timezone.now()
    item.moderation_reason = reason[:300]
    item.save(
        update_fields=["status", "scheduled_for", "moderated_at", "moderation_reason", "updated_at"]
    )
    security_event_record(
        user=item.user,
        kind=SecurityEvent.Kind.STAFF_ACTION,
        detail=f"Post #{item.pk} taken down: {reason}",
        actor=actor,
    )
    _invalidate_public(item, was_public=was_public)
    return item


DEMO_POSTS = [
    ("Sunrise session", "Up at 5 for the sunrise session. Worth every yawn. New set is live now!"),
    ("Gym day", "Leg day done. Who else is skipping stairs tomorrow?"),
    (
        "Behind the scenes",
        "A peek at how the beach shoot really went: sand everywhere, no regrets.",
    ),
]


@transaction.atomic
def content_seed_demo() -> None:
    """Published posts, a draft and a scheduled post for the demo creator (idempotent)."""
    creator = User.objects.get(handle="demo")
    if ContentItem.objects.filter(user=creator).exists():
        return
    now = timezone.now()
    for index, (title, body) in enumerate(DEMO_POSTS):
        item = content_item_create(user=creator, kind=ContentItem.Kind.POST, title=title, body=body)
        content_item_publish(item=item, now=now - timezone.timedelta(days=len(DEMO_POSTS) - index))
    content_item_create(
        user=creator,
        kind=ContentItem.Kind.CAPTION,
        title="Pool party teaser",
        body="Saturday. Pool. You know where to find the rest. 💦",
    )
    later = content_item_create(
        user=creator,
        kind=ContentItem.Kind.POST,
        title="Weekend drop",
        body="The weekend set drops now!",
    )
    content_item_schedule(item=later, when=now + timezone.timedelta(days=2))
