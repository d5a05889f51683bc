"""/api/v1/subscription/: the plan, its status, limits and this month's use."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api_schema import api_errors

from .selectors import plan_usage_for_user


class LimitsSerializer(serializers.Serializer):
    ai_requests_month = serializers.IntegerField()
    max_links = serializers.IntegerField()
    media_mb = serializers.IntegerField()
    strong_model = serializers.BooleanField(help_text="gpt-4o for analysis and long form")
    api_access = serializers.BooleanField()


class UsageSerializer(serializers.Serializer):
    ai_requests_used = serializers.IntegerField()
    links_used = serializers.IntegerField()
    resets_on = serializers.DateField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Pro",
            response_only=True,
            value={
                "plan": "pro",
                "plan_name": "Pro",
                "price_month_cents": 2900,
                "status": "active",
                "limits": {
                    "ai_requests_month": 1500,
                    "max_links": 25,
                    "media_mb": 5000,
                    "strong_model": True,
                    "api_access": True,
                },
                "usage": {"ai_requests_used": 212, "links_used": 4, "resets_on": "2026-12-01"},
            },
        )
    ]
)
class SubscriptionSerializer(serializers.Serializer):
    plan = serializers.CharField()
    plan_name = serializers.CharField()
    price_month_cents = serializers.IntegerField()
    status = serializers.CharField(help_text="Stripe's status, or `free` without a subscription")
    limits = LimitsSerializer()
    usage = UsageSerializer()


class SubscriptionApi(APIView):
    @extend_schema(
        summary="My plan, its status, limits and this month's use",
        responses={200: SubscriptionSerializer, **api_errors()},
    )
    def get(self, request):
        usage = plan_usage_for_user(user=request.user)
        plan = usage.plan
        body = {
            "plan": plan.key,
            "plan_name": plan.display_name,
            "price_month_cents": plan.price_month_cents,
            "status": request.user.billing_status or "free",
            "limits": {
                "ai_requests_month": plan.ai_requests_month,
                "max_links": plan.max_links,
                "media_mb": plan.media_mb,
                "strong_model": plan.strong_model,
                "api_access": plan.api_access,
            },
            "usage": {
                "ai_requests_used": usage.ai_requests_used,
                "links_used": usage.links_used,
                "resets_on": usage.resets_on,
            },
        }
        return Response(SubscriptionSerializer(body).data)
