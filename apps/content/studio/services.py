"""Writes of the studio: generation jobs and the assistant chat, on the one AI entry point."""

import datetime
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import UpgradeRequired
from apps.core.tasks import enqueue, enqueue_stale

from ..ai.feedback import route_feedback_record
from ..ai.router import MINI
from ..ai.service import (
    ChatDelta,
    GenerationFailed,
    GenerationResult,
    ai_generate,
    ai_stream,
    ai_validate_request,
    quota_check,
    strong_model_check,
)
from ..library.services import content_item_create, content_item_remove
from ..models import ChatMessage, ContentItem, Conversation, GenerationJob

logger = logging.getLogger(__name__)

CHAT_HISTORY_MESSAGES = 10
# An answer still "being written" after this long was abandoned (a worker died): free again.
CHAT_ANSWER_CLAIM_SECONDS = 300
# A job still queued after this long is sent to the broker again (generation_jobs_requeue).
REQUEUE_AFTER = datetime.timedelta(minutes=2)


class ChatAnswerInProgress(Exception):
    """Another request is already answering this question; nothing was called or charged."""

    def __init__(self):
        self.message = _("This question is already being answered in another window or tab.")
        super().__init__(self.message)


def _title_from_draft(text: str, limit: int = 60) -> str:
    """A draft's title from what it says: its first line, cut at a word near `limit`."""
    for line in text.splitlines():
        line = line.strip().lstrip("#*-> ").strip()
        if line:
            break
    else:
        return ""
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _title_from(prompt: str) -> str:
    first_line = prompt.strip().splitlines()[0] if prompt.strip() else ""
    return first_line[:80] + ("…" if len(first_line) > 80 else "")


MAX_VARIANTS = 3


@transaction.atomic
def generation_job_create(
    *,
    user,
    task: str,
    prompt: str,
    regenerate: bool = False,
    redo_of: GenerationJob | None = None,
    variants: int = 1,
) -> GenerationJob:
    """Queue a generation. Refuses at once (ValidationError, QuotaExceeded) what would fail.

    `redo_of` re-runs that job's request on gpt-4o (see generation_job_redo_strong).
    """
    prompt = ai_validate_request(task, prompt)
    quota_check(user=user)
    if not 1 <= variants <= MAX_VARIANTS:
        raise ValidationError({"variants": _("Ask for 1 to 3 drafts.")})
    job = GenerationJob.objects.create(
        user=user,
        task=task,
        prompt=prompt,
        regenerate=regenerate or redo_of is not None,
        force_strong=redo_of is not None,
        redo_of=redo_of,
        variants=1 if redo_of is not None else variants,
    )
    from .tasks import generation_run

    enqueue(generation_run, str(job.pk))
    return job


def generation_jobs_requeue(*, older_than: datetime.timedelta = REQUEUE_AFTER) -> int:
    """Send again the jobs still queued after `older_than` (beat, every minute): their
    message was lost, or never sent while the broker was down. A job that a worker already
    took is left alone (generation_job_run claims it), so a duplicate is harmless."""
    from .tasks import generation_run

    # A job left running by a process that died (past the task time limit) is queued again.
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    GenerationJob.objects.filter(state=GenerationJob.State.RUNNING, updated_at__lt=stale).update(
        state=GenerationJob.State.QUEUED
    )
    queued = GenerationJob.objects.filter(state=GenerationJob.State.QUEUED)
    return enqueue_stale(queued, generation_run, older_than=older_than, limit=500)


def generation_job_redo_strong(*, user, job: GenerationJob) -> GenerationJob:
    """ "Redo with the stronger model": the same request on gpt-4o, within the quota. The
    two drafts are kept as a pair for staff to judge the router by.

    Refuses (ValidationError) a job without a draft of the small model, and
    (StrongModelNotInPlan) a plan without gpt-4o.
    """
    usage = job.item.usage if job.item is not None else None
    if usage is None or usage.status != usage.Status.OK:
        raise ValidationError(_("There is no draft to redo."))
    if not draft_is_from_small_model(usage):
        raise ValidationError(_("This draft already comes from the stronger model."))
    strong_model_check(user=user)
    return generation_job_create(user=user, task=job.task, prompt=job.prompt, redo_of=job)


def draft_is_from_small_model(usage) -> bool:
    return usage is not None and usage.model == settings.AI_MODELS[MINI]["model"]


def _job_claimable(job: GenerationJob) -> bool:
    """A queued job, or one left running by a worker that died (past the task time limit):
    never one that another worker is running now, which would charge twice."""
    if job.state == GenerationJob.State.QUEUED:
        return True
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return job.state == GenerationJob.State.RUNNING and job.updated_at < stale


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
        if job is None or not _job_claimable(job):
            return job
        job.state = GenerationJob.State.RUNNING
        job.save(update_fields=["state", "updated_at"])
    try:
        result = ai_generate(
            user=job.user,
            task=job.task,
            prompt=job.prompt,
            regenerate=job.regenerate,
            force_strong=job.force_strong,
        )
    except (GenerationFailed, UpgradeRequired) as exc:
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
    try:
        with transaction.atomic():
            item = content_item_create_from_result(
                user=job.user, prompt=job.prompt, result=result, job=job
            )
            job.item = item
            job.save(update_fields=["item", "updated_at"])
            if job.redo_of_id is not None:
                _redo_record(job=job, result=result)
    except ValidationError:
        # An answer with no text (only blanks) cannot be a draft.
        job.state = GenerationJob.State.FAILED
        job.error = _("The AI answered with an empty draft. Please try again.")
        job.save(update_fields=["state", "error", "updated_at"])
        return job
    if job.variants > 1:
        _more_variants(job)  # outside any transaction: each is a call to the provider
    job.state = GenerationJob.State.DONE
    job.save(update_fields=["state", "updated_at"])
    return job


def _more_variants(job: GenerationJob) -> None:
    """The job's other drafts, written fresh (not from the response cache). One that fails
    (quota reached, provider down) ends the series: the drafts written so far are kept."""
    for _number in range(job.variants - 1):
        try:
            result = ai_generate(user=job.user, task=job.task, prompt=job.prompt, regenerate=True)
            content_item_create_from_result(
                user=job.user, prompt=job.prompt, result=result, job=job
            )
        except (GenerationFailed, UpgradeRequired, ValidationError) as exc:
            logger.info("job %s: variant not written (%s)", job.pk, exc)
            return


@transaction.atomic
def generation_job_keep_variant(*, job: GenerationJob, item: ContentItem) -> GenerationJob:
    """The creator picked one of the job's drafts: it stays, the others are deleted."""
    others = ContentItem.objects.filter(generation_job=job).exclude(pk=item.pk)
    for other in others.select_related("user", "media"):
        content_item_remove(item=other)
    job.item = item
    job.save(update_fields=["item", "updated_at"])
    return job


def _redo_record(*, job: GenerationJob, result: GenerationResult) -> None:
    first = GenerationJob.objects.select_related("item__usage").get(pk=job.redo_of_id)
    item = first.item
    route_feedback_record(
        user=job.user,
        task=job.task,
        prompt=job.prompt,
        mini_usage=item.usage if item is not None else None,
        mini_text=item.body if item is not None else "",
        strong_usage_id=result.usage_id,
        strong_text=result.text,
    )


def content_item_create_from_result(
    *, user, prompt: str, result: GenerationResult, job: GenerationJob | None = None
) -> ContentItem:
    item = content_item_create(
        user=user,
        kind=result.task,
        title=_title_from_draft(result.text),
        body=result.text,
        prompt=prompt,
        usage_id=result.usage_id,
    )
    if job is not None and job.variants > 1:
        item.generation_job = job
        item.save(update_fields=["generation_job"])
    return item


# Chat ------------------------------------------------------------------------------------


def chat_answer_save(*, message: ChatMessage) -> ContentItem:
    """Keep an assistant's answer as a draft in the library."""
    return content_item_create(
        user=message.conversation.user,
        kind=ContentItem.Kind.ANSWER,
        title=_title_from_draft(message.content),
        body=message.content,
        prompt="",
        usage_id=message.usage_id,
    )


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
    for a failed answer, so the creator can ask again. Raises ChatAnswerInProgress when
    another request is answering the same question: one question, one answer, one charge.
    """
    if not _chat_answer_claim(question):
        raise ChatAnswerInProgress
    result = None
    try:
        for event in ai_stream(
            user=conversation.user,
            prompt=question.content,
            history=_history(conversation, question),
        ):
            if isinstance(event, ChatDelta):
                yield event.text
            else:
                result = event
    except BaseException:
        # Failed or abandoned: the question can be answered again.
        ChatMessage.objects.filter(pk=question.pk).update(answer_started_at=None)
        raise
    assert result is not None  # noqa: S101 - ai_stream always ends with the result
    with transaction.atomic():
        ChatMessage.objects.create(
            conversation=conversation,
            role=ChatMessage.Role.ASSISTANT,
            content=result.text,
            usage_id=result.usage_id,
        )
        conversation.save(update_fields=["updated_at"])


def _chat_answer_claim(question: ChatMessage) -> bool:
    """Take the question for this request, in one conditional UPDATE: true for one taker."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=CHAT_ANSWER_CLAIM_SECONDS)
    return bool(
        ChatMessage.objects.filter(pk=question.pk)
        .filter(Q(answer_started_at__isnull=True) | Q(answer_started_at__lt=stale))
        .update(answer_started_at=now)
    )


def chat_pending_question(*, conversation: Conversation) -> ChatMessage | None:
    """The last message if the creator asked it and it has no answer yet."""
    last = conversation.messages.order_by("-pk").first()
    return last if last is not None and last.role == ChatMessage.Role.USER else None
