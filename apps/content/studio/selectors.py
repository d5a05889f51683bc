"""Reads of the studio and chat, always scoped to the acting creator."""

from django.shortcuts import get_object_or_404

from ..models import ChatMessage, ContentItem, Conversation, GenerationJob

CONVERSATIONS_LISTED = 30


def generation_job_get_for_user(*, user, job_id) -> GenerationJob:
    return get_object_or_404(
        GenerationJob.objects.select_related("item", "item__usage"), pk=job_id, user=user
    )


def conversation_list_for_user(*, user, limit: int = CONVERSATIONS_LISTED) -> list[Conversation]:
    """The creator's latest conversations, most recent first."""
    return list(Conversation.objects.filter(user=user)[:limit])


def conversation_get_for_user(*, user, conversation_id: int) -> Conversation:
    return get_object_or_404(Conversation, pk=conversation_id, user=user)


def chat_messages(*, conversation: Conversation) -> list[ChatMessage]:
    return list(conversation.messages.all())


def chat_answer_get_for_user(*, user, message_id: int) -> ChatMessage:
    """One of the user's own assistant answers; 404 for anyone else's."""
    return get_object_or_404(
        ChatMessage.objects.select_related("conversation"),
        pk=message_id,
        role=ChatMessage.Role.ASSISTANT,
        conversation__user=user,
    )


def chat_last_answer(*, conversation: Conversation) -> ChatMessage | None:
    return (
        ChatMessage.objects.filter(conversation=conversation, role=ChatMessage.Role.ASSISTANT)
        .order_by("-created_at", "-pk")
        .first()
    )


def job_variants(*, job: GenerationJob) -> list[ContentItem]:
    return list(
        ContentItem.objects.filter(generation_job=job).select_related("usage").order_by("pk")
    )


def job_variant_get(*, job: GenerationJob, item_id: int) -> ContentItem:
    """One of the job's drafts (the job is already the user's own); 404 otherwise."""
    return get_object_or_404(ContentItem, pk=item_id, generation_job=job)


def generation_job_list_for_user(*, user):
    """The creator's generation jobs (the API lists them newest first)."""
    return GenerationJob.objects.filter(user=user).select_related("item", "item__usage")
