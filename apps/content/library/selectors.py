"""Reads of the library, always scoped to the acting creator."""

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from ..models import ContentItem

RECENT_LIST_LENGTH = 5
LIBRARY_PAGE_SIZE = 20
# What the library list shows of each item; the text is cut in the template.
_LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "body",
    "status",
    "scheduled_for",
    "scheduled_time_zone",
    "published_at",
    "updated_at",
    "slug",
)


def content_item_get_for_user(*, user, item_id: int) -> ContentItem:
    return get_object_or_404(ContentItem.objects.select_related("usage"), pk=item_id, user=user)


def content_list_for_user(
    *, user, kind: str = "", status: str = "", search: str = ""
) -> QuerySet[ContentItem]:
    """The creator's items, newest change first, narrowed by type, status and a search of
    title and text (empty filters are ignored)."""
    items = ContentItem.objects.filter(user=user).only(*_LIST_FIELDS)
    if kind:
        items = items.filter(kind=kind)
    if status:
        items = items.filter(status=status)
    search = search.replace("\x00", "")  # PostgreSQL refuses NUL in text
    if search:
        items = items.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return items.order_by("-updated_at", "-pk")


def content_recent_drafts(*, user, limit: int = RECENT_LIST_LENGTH) -> list[ContentItem]:
    return list(ContentItem.objects.filter(user=user, status=ContentItem.Status.DRAFT)[:limit])


def content_drafts_and_scheduled(
    *, user, limit: int = RECENT_LIST_LENGTH
) -> tuple[list[ContentItem], list[ContentItem]]:
    """The newest drafts and the next scheduled posts, `limit` of each, in one query (the
    dashboard's two lists): ranked within each status by the time that matters to it."""
    rank = Window(
        RowNumber(),
        partition_by=F("status"),
        order_by=[F("scheduled_for").asc(nulls_last=True), F("updated_at").desc(), F("pk").desc()],
    )
    rows = list(
        ContentItem.objects.filter(
            user=user, status__in=[ContentItem.Status.DRAFT, ContentItem.Status.SCHEDULED]
        )
        .only(*_LIST_FIELDS)
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .order_by("rank")
    )
    drafts = [row for row in rows if row.status == ContentItem.Status.DRAFT]
    scheduled = [row for row in rows if row.status == ContentItem.Status.SCHEDULED]
    return drafts, scheduled


def content_trashed_get(*, user, item_id) -> ContentItem | None:
    """The user's own item in the trash, or None."""
    return (
        ContentItem.all_objects.filter(user=user, pk=item_id, deleted_at__isnull=False)
        .only(*_LIST_FIELDS)
        .first()
    )


def content_titles_for_user(*, user, item_ids) -> dict[int, dict]:
    """Title (or the start of the body), slug and status of some of the user's posts, for
    pages that list them by id (analytics); deleted ones are simply missing."""
    items = ContentItem.objects.filter(user=user, pk__in=list(item_ids)).only(
        "pk", "title", "body", "slug", "status"
    )
    return {
        item.pk: {"title": item.title or item.body[:60], "slug": item.slug, "status": item.status}
        for item in items
    }
