"""What the API's OpenAPI schema says of errors and idempotency, shared by every API view.
(Kept apart from core.api, which DRF's settings import: drf-spectacular must not load
while they do.)"""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import serializers


@extend_schema_serializer(
    component_name="Problem",
    examples=[
        OpenApiExample(
            "Invalid fields",
            value={
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "The request has invalid fields.",
                "errors": {"body": ["This field is required."]},
            },
        ),
        OpenApiExample(
            "Too many requests",
            value={
                "type": "about:blank",
                "title": "Too Many Requests",
                "status": 429,
                "detail": "Request was throttled. Expected available in 12 seconds.",
            },
        ),
    ],
)
class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error."""

    type = serializers.CharField(default="about:blank")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 only: the messages for each invalid field",
    )
    upgrade_url = serializers.URLField(
        required=False, help_text="402 and 403 for the plan: where to upgrade"
    )


ERROR_DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field",
    401: "No valid API key or session",
    402: "The plan's monthly AI requests are used up (`upgrade_url`)",
    403: "Not allowed: the plan has no API access (`upgrade_url`), the account is not a "
    "creator, or the key is read-only",
    404: "Not found among yours",
    409: "The request with this Idempotency-Key is still running",
    413: "The file is too big",
    422: "This Idempotency-Key was used with another request",
    429: "Too many requests: wait Retry-After seconds",
}


def api_errors(*codes: int) -> dict:
    """Schema responses for these error statuses (401, 403 and 429 are always added)."""
    wanted = sorted({401, 403, 429, *codes})
    return {
        (code, "application/problem+json"): OpenApiResponse(
            response=ProblemSerializer, description=ERROR_DESCRIPTIONS[code]
        )
        for code in wanted
    }


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID): the same key and body answer the same, once",
)
