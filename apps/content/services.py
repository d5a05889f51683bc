"""Writes of the content app: studio generations, drafts, chat."""

import logging
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .ai.service import (
    ChatDelta,
    GenerationFailed,
    GenerationResult,
    QuotaExceeded,
    ai_generate,
    ai_stream,
    ai_validate_request,
    quota_check,
)
from .media import media_create, media_delete, media_make_private, media_make_public
from .models import ChatMessage, ContentItem, Conversation, GenerationJob
from .public import public_cache_invalidate

logger = logging.getLogger(__name__)

CHAT_HISTORY_MESSAGES = 10


def _title_from(prompt: str) -> str:
    first_line = prompt.strip().splitlines()[0] if prompt.strip() else ""
    return first_line[:80] + ("…" if len(first_line) > 80 else "")


@transaction.atomic
def generation_job_create(
    *, user, task: str, prompt: str, regenerate: bool = False
) -> GenerationJob:
    """Queue a generation. Refuses at once (ValidationError, QuotaExceeded) what would fail."""
    prompt = ai_validate_request(task, prompt)
    quota_check(user=user)
    job = GenerationJob.objects.create(user=user, task=task, prompt=prompt, regenerate=regenerate)
    from .tasks import generation_run

    transaction.on_commit(lambda: generation_run.delay(str(job.pk)))
    return job


def generation_job_run(*, job_id: str) -> GenerationJob | None:
    """Run a queued job: call the AI, save the draft, record the outcome on the job.

    Safe to run twice (Celery acks late): a finished job is left as it is.
    """
    with transaction.atomic():
        job = (
            GenerationJob.objects.select_for_update()
            .select_related("user")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.finished:
            return job
        job.state = GenerationJob.State.RUNNING
        job.save(update_fields=["state", "updated_at"])
    try:
        result = ai_generate(
            user=job.user, task=job.task, prompt=job.prompt, regenerate=job.regenerate
        )
    except (GenerationFailed, QuotaExceeded) as exc:
        job.state = GenerationJob.State.FAILED
        job.error = exc.message[:300]
        job.save(update_fields=["state", "error", "updated_at"])
        return job
    except ValidationError as exc:
        job.state = GenerationJob.State.FAILED
        job.error = "; ".join(exc.messages)[:300]
        job.save(update_fields=["state", "error", "updated_at"])
        return job
    except BaseException as exc:
        # Anything else (a time limit, a bug) must still end the job, or the studio would
        # poll forever; the worker then re-raises so the failure is logged and reported.
        logger.exception("generation job %s failed", job.pk)
        job.state = GenerationJob.State.FAILED
        job.error = _("Something went wrong on our side. Nothing was charged; please try again.")
        job.save(update_fields=["state", "error", "updated_at"])
        if isinstance(exc, Exception):
            return job
        raise
    with transaction.atomic():
        item = content_item_create_from_result(user=job.user, prompt=job.prompt, result=result)
        job.item = item
        job.state = GenerationJob.State.DONE
        job.save(update_fields=["item", "state", "updated_at"])
    return job


def content_item_create_from_result(*, user, prompt: str, result: GenerationResult) -> ContentItem:
    item = ContentItem(
        user=user,
        kind=result.task,
        title=_title_from(prompt),
        body=result.text,
        prompt=prompt,
        usage_id=result.usage_id,
    )
    item.full_clean(exclude=["usage"])
    item.save()
    return item


# Chat ------------------------------------------------------------------------------------


@transaction.atomic
def conversation_create(*, user, title: str = "") -> Conversation:
    return Conversation.objects.create(user=user, title=title[:120])


@transaction.atomic
def chat_message_add(*, conversation: Conversation, content: str) -> ChatMessage:
    """Store what the creator asked; the answer comes from chat_reply."""
    content = ai_validate_request("chatbot", content)
    quota_check(user=conversation.user)
    message = ChatMessage.objects.create(
        conversation=conversation, role=ChatMessage.Role.USER, content=content
    )
    if not conversation.title:
        conversation.title = _title_from(content)
    conversation.save(update_fields=["title", "updated_at"])
    return message


def _history(conversation: Conversation, before: ChatMessage) -> list[dict]:
    earlier = list(
        conversation.messages.filter(pk__lt=before.pk).order_by("-pk")[:CHAT_HISTORY_MESSAGES]
    )
    return [{"role": m.role, "content": m.content} for m in reversed(earlier)]


def chat_reply(*, conversation: Conversation, question: ChatMessage) -> Iterator[str]:
    """Stream the assistant's answer to `question` as text pieces, then store it.

    Raises GenerationFailed or QuotaExceeded before or during the stream; nothing is stored
    for a failed answer, so the creator can ask again.
    """
    result = None
    for event in ai_stream(
        user=conversation.user,
        prompt=question.content,
        history=_history(conversation, question),
    ):
        if isinstance(event, ChatDelta):
            yield event.text
        else:
            result = event
    assert result is not None  # noqa: S101 - ai_stream always ends with the result
    with transaction.atomic():
        ChatMessage.objects.create(
            conversation=conversation,
            role=ChatMessage.Role.ASSISTANT,
            content=result.text,
            usage_id=result.usage_id,
        )
        conversation.save(update_fields=["updated_at"])


def chat_pending_question(*, conversation: Conversation) -> ChatMessage | None:
    """The last message if the creator asked it and it has no answer yet."""
    last = conversation.messages.order_by("-pk").first()
    return last if last is not None and last.role == ChatMessage.Role.USER else None


# Library ---------------------------------------------------------------------------------


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
    base = slugify(item.title or item.body[:60])[:60].strip("-") or "post"
    slug, number = base, 2
    while ContentItem.objects.filter(user=item.user, slug=slug).exclude(pk=item.pk).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def content_item_create(*, user, kind: str, title: str, body: str) -> ContentItem:
    item = ContentItem(user=user, kind=kind, title=title.strip(), body=body.strip())
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
    if when > timezone.now() + timezone.timedelta(days=2 * 366):
        raise ValidationError({"scheduled_for": _("Pick a time within the next two years.")})
    if item.moderated_at is not None:
        raise ValidationError(_("Staff took this post down; it cannot be published again."))
    was_public = item.is_public
    item.status = ContentItem.Status.SCHEDULED
    item.scheduled_for = when
    item.save(update_fields=["status", "scheduled_for", "updated_at"])
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
def content_item_attach_image(*, item: ContentItem, upload) -> ContentItem:
    """Give a post its image (replacing any previous one)."""
    old = item.media
    item.media = media_create(user=item.user, upload=upload)
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
def content_item_moderate(*, item: ContentItem, reason: str) -> ContentItem:
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
def demo_content_seed() -> None:
    """Published posts, a draft and a scheduled post for the demo creator (idempotent)."""
    from apps.users.models import User

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
