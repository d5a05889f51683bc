"""/api/v1/me/ and /api/v1/links/: the account and the page's links, for scripts."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import CreatorOnly, idempotent
from apps.core.api_schema import IDEMPOTENCY_HEADER, api_errors

from . import selectors, services
from .models import Link, Persona


class PersonaSerializer(serializers.Serializer):
    voice = serializers.CharField(max_length=1000, allow_blank=True, required=False)
    tone = serializers.ChoiceField(choices=Persona.Tone.choices, required=False)
    emojis = serializers.ChoiceField(choices=Persona.Emojis.choices, required=False)
    words_to_avoid = serializers.CharField(max_length=1000, allow_blank=True, required=False)
    languages = serializers.CharField(max_length=100, required=False)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A creator",
            response_only=True,
            value={
                "email": "luna@example.com",
                "name": "Luna Star",
                "handle": "luna",
                "role": "creator",
                "tier": "pro",
                "persona": {
                    "voice": "Cosy, teasing, short sentences.",
                    "tone": "playful",
                    "emojis": "some",
                    "words_to_avoid": "cheap, discount",
                    "languages": "en,fr",
                },
            },
        )
    ]
)
class MeOutputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    handle = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    tier = serializers.CharField()
    persona = serializers.SerializerMethodField()

    def get_persona(self, user) -> PersonaSerializer:
        persona = services.persona_get_or_default(user=user)
        return PersonaSerializer(persona).data


class MeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    persona = PersonaSerializer(required=False)


class MeApi(APIView):
    """The account the key belongs to, its name and its persona (how the AI writes)."""

    @extend_schema(summary="Who am I", responses={200: MeOutputSerializer, **api_errors()})
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(
        summary="Change my name or persona",
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, **api_errors(400)},
        examples=[
            OpenApiExample(
                "Persona",
                value={"persona": {"tone": "playful", "voice": "Cosy, teasing, short."}},
                request_only=True,
            )
        ],
    )
    def patch(self, request):
        data = MeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if "name" in data.validated_data:
            services.user_update_profile(
                user=user, name=data.validated_data["name"], handle=user.handle, bio=user.bio
            )
        if data.validated_data.get("persona"):
            services.persona_update(user=user, **data.validated_data["persona"])
        user.refresh_from_db()
        return Response(MeOutputSerializer(user).data)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A link",
            value={
                "id": "5f0c6c1e-3b7a-4a54-9d0e-2a4f3c1b9e10",
                "title": "My shop",
                "url": "https://shop.example.com/luna",
                "position": 0,
                "created_at": "2026-11-02T10:00:00Z",
            },
            response_only=True,
        ),
        OpenApiExample(
            "A new link",
            value={"title": "My shop", "url": "https://shop.example.com/luna"},
            request_only=True,
        ),
    ]
)
class LinkSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(max_length=80)
    url = serializers.URLField(max_length=500)
    position = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Two links swapped",
            value={
                "order": [
                    "9a1d2e44-7c0b-4d0e-8b9f-3f0c2a7d5e21",
                    "5f0c6c1e-3b7a-4a54-9d0e-2a4f3c1b9e10",
                ]
            },
            request_only=True,
        )
    ]
)
class LinkOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.UUIDField(), max_length=200)


class LinkListApi(CreatorOnly, generics.GenericAPIView):
    """The links on the creator's page, in page order (clicks are counted under analytics)."""

    serializer_class = LinkSerializer
    pagination_class = None  # a page holds a few links at most (the plan's limit)

    @extend_schema(
        summary="List links",
        operation_id="links_list",
        responses={200: LinkSerializer(many=True), **api_errors()},
    )
    def get(self, request):
        links = selectors.link_list_for_user(user=request.user)
        return Response(LinkSerializer(links, many=True).data)

    @extend_schema(
        summary="Add a link at the end of the page",
        request=LinkSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: LinkSerializer, **api_errors(400, 409, 422)},
    )
    @idempotent
    def post(self, request):
        data = LinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.link_create(user=request.user, **data.validated_data)
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class LinkDetailApi(CreatorOnly, APIView):
    def _link(self, request, link_id) -> Link:
        return selectors.link_get_for_user(user=request.user, link_id=link_id)

    @extend_schema(summary="Read a link", responses={200: LinkSerializer, **api_errors(404)})
    def get(self, request, link_id):
        return Response(LinkSerializer(self._link(request, link_id)).data)

    @extend_schema(
        summary="Change a link",
        request=LinkSerializer,
        responses={200: LinkSerializer, **api_errors(400, 404)},
    )
    def patch(self, request, link_id):
        link = self._link(request, link_id)
        data = LinkSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {"title": link.title, "url": link.url, **data.validated_data}
        services.link_update(link=link, **fields)
        return Response(LinkSerializer(self._link(request, link_id)).data)

    @extend_schema(summary="Remove a link", responses={204: None, **api_errors(404)})
    def delete(self, request, link_id):
        services.link_delete(link=self._link(request, link_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LinkOrderApi(CreatorOnly, APIView):
    @extend_schema(
        summary="Put the links in this order",
        request=LinkOrderSerializer,
        responses={200: LinkSerializer(many=True), **api_errors(400)},
    )
    def put(self, request):
        data = LinkOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        links = services.link_reorder(user=request.user, link_ids=data.validated_data["order"])
        return Response(LinkSerializer(links, many=True).data)
