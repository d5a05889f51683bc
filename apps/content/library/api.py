"""/api/v1/content/: the creator's library for scripts, on the same services as the pages.

Every read goes through the library's selectors (scoped to the acting creator); every change
is a service call; errors come back as problem details (apps.core.api)."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import CreatorOnly, idempotent
from apps.core.api_schema import IDEMPOTENCY_HEADER, api_errors

from ..models import ContentItem
from . import selectors, services
from .media import media_url

ERRORS = api_errors(400, 404)
CREATE_ERRORS = api_errors(400, 404, 409, 422)


class ImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    alt_text = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A scheduled post",
            response_only=True,
            value={
                "id": 42,
                "kind": "post",
                "title": "Friday",
                "body": "New set drops Friday at 6 🔥",
                "status": "scheduled",
                "scheduled_for": "2026-12-04T17:00:00Z",
                "scheduled_time_zone": "Europe/Paris",
                "published_at": None,
                "public_url": None,
                "image": {
                    "url": "https://cdn.example.com/media/beach.webp",
                    "alt_text": "Luna on the beach at sunset",
                    "width": 1600,
                    "height": 1067,
                },
                "created_at": "2026-12-01T09:12:00Z",
                "updated_at": "2026-12-01T09:15:00Z",
            },
        )
    ]
)
class ContentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    status = serializers.CharField()
    scheduled_for = serializers.DateTimeField(allow_null=True)
    scheduled_time_zone = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    public_url = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_public_url(self, item) -> str | None:
        if item.status != ContentItem.Status.PUBLISHED or not item.slug:
            return None
        return reverse("public_post", args=[item.user.handle, item.slug])

    def get_image(self, item) -> ImageSerializer(allow_null=True):  # type: ignore[valid-type]
        media = item.media
        if media is None:
            return None
        return {
            "url": media_url(media),
            "alt_text": media.alt_text,
            "width": media.width,
            "height": media.height,
        }


class ContentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContentItem.Kind.choices, default=ContentItem.Kind.POST)
    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    body = serializers.CharField(max_length=20000)


class ContentPatchSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContentItem.Kind.choices, required=False)
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    body = serializers.CharField(max_length=20000, required=False)


def _item(request, item_id: int) -> ContentItem:
    return selectors.content_item_get_for_user(user=request.user, item_id=item_id)


def _out(item: ContentItem, code: int = status.HTTP_200_OK) -> Response:
    return Response(ContentOutputSerializer(item).data, status=code)


class ContentListApi(CreatorOnly, generics.GenericAPIView):
    """List and create the creator's posts, captions and other drafts."""

    serializer_class = ContentOutputSerializer

    def get_queryset(self) -> QuerySet[ContentItem]:
        params = self.request.query_params
        errors = {}
        kind, state = params.get("kind", ""), params.get("status", "")
        if kind and kind not in ContentItem.Kind.values:
            errors["kind"] = [f"One of: {', '.join(ContentItem.Kind.values)}."]
        if state and state not in ContentItem.Status.values:
            errors["status"] = [f"One of: {', '.join(ContentItem.Status.values)}."]
        dates = {}
        for name in ("created_after", "created_before"):
            raw = params.get(name, "")
            if raw:
                try:
                    dates[name] = datetime.date.fromisoformat(raw)
                except ValueError:
                    errors[name] = ["A date as YYYY-MM-DD."]
        if errors:
            raise serializers.ValidationError(errors)
        items = (
            selectors.content_list_for_user(
                user=self.request.user, kind=kind, status=state, search=params.get("q", "")[:200]
            )
            .defer(None)
            .select_related("media", "user")
        )  # every column, the image and the handle
        if "created_after" in dates:
            items = items.filter(created_at__date__gte=dates["created_after"])
        if "created_before" in dates:
            items = items.filter(created_at__date__lte=dates["created_before"])
        return items.order_by()  # the cursor pagination orders

    @extend_schema(
        summary="List content",
        operation_id="content_list",
        parameters=[
            OpenApiParameter("kind", enum=ContentItem.Kind.values),
            OpenApiParameter("status", enum=ContentItem.Status.values),
            OpenApiParameter("q", description="Search in titles and texts"),
            OpenApiParameter("created_after", type=datetime.date),
            OpenApiParameter("created_before", type=datetime.date),
            OpenApiParameter("limit", type=int, description="Items per page (1-200, 50)"),
        ],
        responses={200: ContentOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ContentOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a draft",
        request=ContentInputSerializer,
        responses={201: ContentOutputSerializer, **CREATE_ERRORS},
        parameters=[IDEMPOTENCY_HEADER],
        examples=[
            OpenApiExample(
                "A caption",
                value={"kind": "caption", "title": "Friday", "body": "New set drops Friday"},
                request_only=True,
            )
        ],
    )
    @idempotent
    def post(self, request):
        data = ContentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.content_item_create(user=request.user, **data.validated_data)
        return _out(_item(request, item.pk), status.HTTP_201_CREATED)


class ContentDetailApi(CreatorOnly, APIView):
    @extend_schema(summary="Read an item", responses={200: ContentOutputSerializer, **ERRORS})
    def get(self, request, item_id: int):
        return _out(_item(request, item_id))

    @extend_schema(
        summary="Change an item's type, title or text",
        request=ContentPatchSerializer,
        responses={200: ContentOutputSerializer, **ERRORS},
    )
    def patch(self, request, item_id: int):
        item = _item(request, item_id)
        data = ContentPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {"kind": item.kind, "title": item.title, "body": item.body}
        fields.update(data.validated_data)
        services.content_item_edit(item=item, **fields)
        return _out(_item(request, item_id))

    @extend_schema(
        summary="Delete an item (it can be restored from the library's trash for 30 days)",
        responses={204: None, **ERRORS},
    )
    def delete(self, request, item_id: int):
        services.content_item_trash(item=_item(request, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Friday 18:00 in Paris",
            request_only=True,
            value={"scheduled_for": "2026-12-04T18:00:00+01:00", "time_zone": "Europe/Paris"},
        )
    ]
)
class ScheduleInputSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField(
        help_text="When to publish, with its offset or zone (ISO 8601), in the future"
    )
    time_zone = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="An IANA zone (e.g. Europe/Paris) to show the time in; default: the offset",
    )


class ContentActionApi(CreatorOnly, APIView):
    """publish, schedule, unpublish, archive, duplicate."""

    action = ""

    @idempotent
    def post(self, request, item_id: int):
        item = _item(request, item_id)
        if self.action == "publish":
            services.content_item_publish(item=item)
        elif self.action == "schedule":
            data = ScheduleInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            when = data.validated_data["scheduled_for"]
            zone = data.validated_data.get("time_zone", "")
            if zone:
                try:
                    when = when.astimezone(ZoneInfo(zone))
                except (KeyError, ValueError, OverflowError) as exc:
                    raise serializers.ValidationError(
                        {"time_zone": ["Not a time zone, e.g. Europe/Paris."]}
                    ) from exc
            services.content_item_schedule(item=item, when=when)
        elif self.action == "unpublish":
            services.content_item_set_status(item=item, status=ContentItem.Status.DRAFT)
        elif self.action == "archive":
            services.content_item_set_status(item=item, status=ContentItem.Status.ARCHIVED)
        elif self.action == "duplicate":
            copy = services.content_item_duplicate(item=item)
            return _out(_item(request, copy.pk), status.HTTP_201_CREATED)
        return _out(_item(request, item_id))


def _action_view(name: str, summary: str, request=None, code: int = 200):
    def post(self, request, item_id: int):
        return ContentActionApi.post(self, request, item_id)

    documented = extend_schema(
        summary=summary,
        request=request,
        responses={code: ContentOutputSerializer, **CREATE_ERRORS},
        parameters=[IDEMPOTENCY_HEADER],
        operation_id=f"content_{name}",
    )(post)
    view = type(
        f"Content{name.title()}Api", (ContentActionApi,), {"action": name, "post": documented}
    )
    return view.as_view()


class ImageInputSerializer(serializers.Serializer):
    file = serializers.ImageField(help_text="JPEG, PNG or WebP, up to the plan's size")
    alt_text = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class ContentImageApi(CreatorOnly, APIView):
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        summary="Attach an image (replaces any previous one)",
        request={"multipart/form-data": ImageInputSerializer},
        responses={200: ContentOutputSerializer, **api_errors(400, 404, 413)},
    )
    def post(self, request, item_id: int):
        item = _item(request, item_id)
        data = ImageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.content_item_attach_image(
            item=item, upload=data.validated_data["file"], alt_text=data.validated_data["alt_text"]
        )
        return _out(_item(request, item_id))

    @extend_schema(summary="Remove the image", responses={200: ContentOutputSerializer, **ERRORS})
    def delete(self, request, item_id: int):
        services.content_item_detach_image(item=_item(request, item_id))
        return _out(_item(request, item_id))


publish_view = _action_view("publish", "Publish now")
schedule_view = _action_view("schedule", "Schedule for later", request=ScheduleInputSerializer)
unpublish_view = _action_view("unpublish", "Back to draft (unpublish or unschedule)")
archive_view = _action_view("archive", "Archive")
duplicate_view = _action_view("duplicate", "Copy as a new draft", code=201)
