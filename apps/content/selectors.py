from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ContentItem, Conversation, GenerationJob


def generation_job_get_for_user(*, user, job_id) -> GenerationJob:
    return get_object_or_404(
        GenerationJob.objects.select_related("item", "item__usage"), pk=job_id, user=user
    )


def content_item_get_for_user(*, user, item_id: int) -> ContentItem:
    return get_object_or_404(ContentItem.objects.select_related("usage"), pk=item_id, user=user)


def content_recent_drafts(*, user, limit: int = 5) -> QuerySet[ContentItem]:
    return ContentItem.objects.filter(user=user, status=ContentItem.Status.DRAFT)[:limit]


def conversation_list_for_user(*, user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user)


def conversation_get_for_user(*, user, conversation_id: int) -> Conversation:
    return get_object_or_404(Conversation, pk=conversation_id, user=user)


def content_scheduled(*, user, limit: int = 5) -> QuerySet[ContentItem]:
    return ContentItem.objects.filter(user=user, status=ContentItem.Status.SCHEDULED).order_by(
        "scheduled_for"
    )[:limit]
