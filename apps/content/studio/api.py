"""/api/v1/generations/ and /api/v1/usage/: the studio's generations and AI usage for scripts.
Service exceptions become responses in `apps.core.api.api_exception_handler`."""

import datetime

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.subscriptions.gating import HasPlanApiAccess
from apps.subscriptions.selectors import plan_usage_for_user

from ..ai import ledger
from ..ai.service import MAX_PROMPT_CHARS
from ..ai.task_types import TaskType
from . import selectors, services

USAGE_DAYS = 30


class IsCreator(permissions.BasePermission):
    message = "The AI API is for creator accounts."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_creator)


class JobOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    task = serializers.CharField()
    prompt = serializers.CharField()
    state = serializers.CharField()
    error = serializers.CharField()
    url = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    def get_url(self, job) -> str:
        return reverse("api-generation-detail", args=[job.pk])

    def get_result(self, job) -> dict | None:
        item = job.item
        if item is None:
            return None
        usage = item.usage
        return {
            "content_id": item.pk,
            "text": item.body,
            "model": usage.model if usage else None,
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "cached_tokens": usage.cached_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "cost_usd": str(usage.cost_usd) if usage else None,
            "latency_ms": usage.latency_ms if usage else None,
            "cache_hit": usage.cache_hit if usage else None,
            "route_reason": usage.route_reason if usage else None,
        }


class GenerationCreateApi(APIView):
    """Queue a generation; poll its URL for the result."""

    permission_classes = [IsCreator, HasPlanApiAccess]

    class GenerationInputSerializer(serializers.Serializer):
        task = serializers.ChoiceField(choices=TaskType.choices)
        prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS)
        regenerate = serializers.BooleanField(default=False)

    @extend_schema(
        request=GenerationInputSerializer,
        responses={
            202: JobOutputSerializer,
            400: OpenApiResponse(description="Invalid task or prompt"),
            402: OpenApiResponse(description="The plan's monthly AI requests are used up"),
        },
        summary="Start a generation",
    )
    def post(self, request):
        data = self.GenerationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.generation_job_create(user=request.user, **data.validated_data)
        job = selectors.generation_job_get_for_user(user=request.user, job_id=job.pk)
        return Response(JobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class GenerationDetailApi(APIView):
    permission_classes = [IsCreator, HasPlanApiAccess]

    @extend_schema(responses=JobOutputSerializer, summary="A generation and its result")
    def get(self, request, job_id):
        job = selectors.generation_job_get_for_user(user=request.user, job_id=job_id)
        return Response(JobOutputSerializer(job).data)


class UsageApi(APIView):
    """This month's AI requests against the plan, and the last 30 days by day and model."""

    permission_classes = [IsCreator, HasPlanApiAccess]

    class UsageOutputSerializer(serializers.Serializer):
        plan = serializers.CharField()
        requests_used = serializers.IntegerField()
        requests_limit = serializers.IntegerField()
        days = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=UsageOutputSerializer, summary="AI usage")
    def get(self, request):
        usage = plan_usage_for_user(user=request.user)
        since = timezone.localdate() - datetime.timedelta(days=USAGE_DAYS - 1)
        days = [
            {**row, "day": row["day"].isoformat(), "cost_usd": str(row["cost_usd"])}
            for row in ledger.usage_by_day(user=request.user, since=since)
        ]
        return Response(
            {
                "plan": usage.plan.key,
                "requests_used": usage.ai_requests_used,
                "requests_limit": usage.ai_requests_limit,
                "days": days,
            }
        )
