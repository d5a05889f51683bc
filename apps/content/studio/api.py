"""/api/v1/generations/ and /api/v1/usage/: the studio's generations and AI usage for scripts.
Service exceptions become responses in `apps.core.api.api_exception_handler`."""

import datetime
import threading
import time

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import CreatorOnly, idempotent
from apps.core.api_schema import IDEMPOTENCY_HEADER, api_errors
from apps.subscriptions.selectors import plan_usage_for_user

from ..ai import ledger
from ..ai.service import MAX_PROMPT_CHARS
from ..ai.task_types import TYPICAL_WORDS, TaskType
from ..models import GenerationJob
from . import selectors, services

USAGE_DAYS = 30


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A finished caption",
            response_only=True,
            value={
                "id": "0b6f8a52-1c1e-4f0e-9a43-6d1d1c7e2f10",
                "task": "caption",
                "prompt": "Teaser for Friday's beach shoot",
                "state": "done",
                "error": "",
                "url": "/api/v1/generations/0b6f8a52-1c1e-4f0e-9a43-6d1d1c7e2f10/",
                "result": {
                    "content_id": 42,
                    "text": "Sun, salt and a little secret… Friday 🌊",
                    "model": "gpt-4o-mini",
                    "prompt_tokens": 1180,
                    "cached_tokens": 1024,
                    "completion_tokens": 38,
                    "cost_usd": "0.000121",
                    "latency_ms": 820,
                    "cache_hit": False,
                    "route_reason": "short everyday task",
                },
            },
        )
    ]
)
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


# Tasks short enough to answer within the request with ?wait=true (a caption, hashtags, a
# bio, a fan reply); longer ones always come back as a job to poll.
SHORT_TASK_WORDS = 60
WAIT_SECONDS = 25


class GenerationInputSerializer(serializers.Serializer):
    task = serializers.ChoiceField(choices=TaskType.choices)
    prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS)
    regenerate = serializers.BooleanField(default=False)


class GenerationListApi(CreatorOnly, generics.GenericAPIView):
    """Start a generation, or list them."""

    serializer_class = JobOutputSerializer

    @extend_schema(
        summary="List generations",
        operation_id="generations_list",
        parameters=[OpenApiParameter("limit", type=int, description="Per page (1-200, 50)")],
        responses={200: JobOutputSerializer(many=True), **api_errors(400)},
    )
    def get(self, request):
        jobs = selectors.generation_job_list_for_user(user=request.user)
        page = self.paginate_queryset(jobs)
        return self.get_paginated_response(JobOutputSerializer(page, many=True).data)

    @extend_schema(
        request=GenerationInputSerializer,
        parameters=[
            IDEMPOTENCY_HEADER,
            OpenApiParameter(
                "wait",
                type=bool,
                description="For short tasks (caption, hashtags, bio, fan reply): answer "
                "with the draft (201) instead of a job to poll (202)",
            ),
        ],
        responses={
            201: JobOutputSerializer,
            202: JobOutputSerializer,
            **api_errors(400, 402, 409, 422),
        },
        examples=[
            OpenApiExample(
                "A caption",
                value={"task": "caption", "prompt": "Teaser for Friday's drop"},
                request_only=True,
            )
        ],
        summary="Start a generation",
    )
    @idempotent
    def post(self, request):
        data = GenerationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.generation_job_create(user=request.user, **data.validated_data)
        wait = request.query_params.get("wait", "").lower() in ("1", "true", "yes")
        if wait and TYPICAL_WORDS.get(job.task, 999) <= SHORT_TASK_WORDS:
            job = _wait_for(request.user, job)
        job = selectors.generation_job_get_for_user(user=request.user, job_id=job.pk)
        finished = job.state in (GenerationJob.State.DONE, GenerationJob.State.FAILED)
        code = status.HTTP_201_CREATED if finished else status.HTTP_202_ACCEPTED
        return Response(JobOutputSerializer(job).data, status=code)


# One answer written inside a request per process at a time: a slow provider must not take
# every worker of the site. Others get their job to poll (202) at once.
_inline = threading.BoundedSemaphore(1)


def _wait_for(user, job: GenerationJob) -> GenerationJob:
    """Run the job here, or, if a worker took it first, wait for it (WAIT_SECONDS at most).
    When another request of this process is already writing one, answer with the job."""
    if not _inline.acquire(blocking=False):
        return job
    try:
        services.generation_job_run(job_id=str(job.pk))
    finally:
        _inline.release()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        job = selectors.generation_job_get_for_user(user=user, job_id=job.pk)
        if job.state in (GenerationJob.State.DONE, GenerationJob.State.FAILED):
            return job
        if time.monotonic() > deadline:
            return job
        time.sleep(0.2)


class GenerationDetailApi(CreatorOnly, APIView):
    @extend_schema(
        responses={200: JobOutputSerializer, **api_errors(404)},
        summary="A generation and its result",
    )
    def get(self, request, job_id):
        job = selectors.generation_job_get_for_user(user=request.user, job_id=job_id)
        return Response(JobOutputSerializer(job).data)


class UsageApi(CreatorOnly, APIView):
    """This month's AI requests against the plan, and the last 30 days by day and model."""

    class UsageOutputSerializer(serializers.Serializer):
        plan = serializers.CharField()
        requests_used = serializers.IntegerField()
        requests_limit = serializers.IntegerField()
        days = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses={200: UsageOutputSerializer, **api_errors()}, summary="AI usage")
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
