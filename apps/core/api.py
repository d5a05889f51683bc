"""What every API view shares: one error format (RFC 9457 problem details), cursor
pagination, `Idempotency-Key` on creating POSTs, rate-limit headers. Service exceptions
become responses here, so API views just call services and let what they raise pass."""

import datetime
import functools
import hashlib
import http
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from .exceptions import UpgradeRequired

PROBLEM_CONTENT_TYPE = "application/problem+json"
IDEMPOTENCY_SECONDS = 24 * 60 * 60
# An answer still missing after this long: its request died; the key may be used again.
ABANDONED_AFTER = datetime.timedelta(minutes=5)


# Problem details -----------------------------------------------------------------------------


def problem(status_code: int, detail: str, **extra) -> dict:
    """An RFC 9457 problem: `type` (about:blank: the status says it all), `title` (the
    status's phrase), `status`, `detail` for people, and any extra members."""
    return {
        "type": "about:blank",
        "title": http.HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        **extra,
    }


def _flatten(detail) -> dict | list | str:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def api_exception_handler(exc, context):
    """Every error as a problem: a service's ValidationError -> 400 with `errors` per field;
    UpgradeRequired -> 402 with an absolute `upgrade_url`; DRF's own (401, 403, 404, 405,
    406, 415, 429) with their message. Throttled answers keep `Retry-After`."""
    # Imported here: DRF's views module reads its settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    request = context.get("request")
    if isinstance(exc, UpgradeRequired):
        url = request.build_absolute_uri(exc.upgrade_url) if request else exc.upgrade_url
        body = problem(exc.status_code, exc.message, upgrade_url=url)
        return Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handler answers (as a problem under /api/)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
        body = problem(response.status_code, _("The request has invalid fields."), errors=errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = problem(response.status_code, str(_flatten(detail)))
        extra = getattr(exc, "problem_extra", None)
        if extra:
            body.update(extra)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(request: HttpRequest, status_code: int, detail: str) -> HttpResponse:
    """A problem outside DRF (Django's own 404 and 500 under /api/)."""
    return JsonResponse(
        problem(status_code, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, answering 400 instead of 500 to JSON nested too deep to decode."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError("The JSON is nested too deeply.") from exc


# Permissions ---------------------------------------------------------------------------------


class IsCreator(BasePermission):
    message = "This part of the API is for creator accounts."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_creator", False))


# For API views of a creator's own things: the API's usual checks (set in settings), then
# the creator role. (A comment, not a docstring: the schema would show it on every view.)
class CreatorOnly:
    def get_permissions(self):
        return [*super().get_permissions(), IsCreator()]


# Pagination ----------------------------------------------------------------------------------


class CursorPage(CursorPagination):
    """Every list: newest first, `?limit=` up to 200, opaque `next`/`previous` cursors that
    stay correct while rows are added."""

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = ("-created_at", "-pk")

    def decode_cursor(self, request):
        # DRF answers a made-up cursor with 404; it is a bad request, said as one.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError(
                {"cursor": ["This cursor is not valid: start again from the first page."]}
            ) from exc


# Idempotency ---------------------------------------------------------------------------------


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still being answered; retry soon."

    def __init__(self):
        super().__init__()
        self.wait = 2  # DRF's handler turns this into Retry-After


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used with another request body or path."


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "application/json":
        # The same JSON written with other spacing or key order is the same request.
        try:
            body = json.dumps(json.loads(request.body or b"null"), sort_keys=True)
            digest.update(body.encode())
        except ValueError:
            digest.update(request.body)
    elif request.content_type != "multipart/form-data":
        digest.update(request.body)
    else:
        # Uploads: the fields and the files' names and sizes stand for the body.
        parts = sorted((k, v) for k, v in request.POST.items())
        files = sorted((k, f.name, f.size) for k, f in request.FILES.items())
        digest.update(json.dumps([parts, files]).encode())
    return digest.hexdigest()


def idempotent(method):
    """For POSTs that create something: with an `Idempotency-Key` header, the same key and
    body answer the same response, and the work is done once; the same key with another body
    answers 422; a key whose first request is still running answers 409. Keys are the
    user's own and last a day. Without the header, the request runs as usual."""
    from .models import IdempotencyRecord

    @functools.wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return method(view, request, *args, **kwargs)
        if len(key) > 255 or not key.isprintable():
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["Up to 255 printable characters."]}
            )
        fingerprint = _fingerprint(request._request)
        cutoff = timezone.now() - datetime.timedelta(seconds=IDEMPOTENCY_SECONDS)
        IdempotencyRecord.objects.filter(user=request.user, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if record is None:  # the first request failed and freed the key a moment ago
                raise IdempotencyConflict from None
            if record.status is None and record.created_at < timezone.now() - ABANDONED_AFTER:
                record.delete()  # its request died half-way: the key may be used again
                raise IdempotencyConflict from None
            if record.fingerprint != fingerprint:
                raise IdempotencyMismatch from None
            if record.status is None:
                raise IdempotencyConflict from None
            response = Response(record.body, status=record.status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = method(view, request, *args, **kwargs)
        except Exception:
            record.delete()  # nothing was created: the same key may be tried again
            raise
        if response.status_code >= 500 or response.status_code in (409, 429):
            record.delete()
        else:
            record.status, record.body = response.status_code, response.data
            record.save(update_fields=["status", "body"])
        return response

    return wrapper


def idempotency_records_expire() -> int:
    from .models import IdempotencyRecord

    cutoff = timezone.now() - datetime.timedelta(seconds=IDEMPOTENCY_SECONDS)
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]


# Rate-limit headers --------------------------------------------------------------------------


class RateLimitHeadersMiddleware:
    """Adds RateLimit-Limit, -Remaining and -Reset (seconds) to API answers whose throttle
    left its figures on the request (see subscriptions.gating.PlanRateThrottle)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        figures = getattr(request, "rate_limit", None)
        if figures:
            limit, remaining, reset = figures
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(max(remaining, 0))
            response["RateLimit-Reset"] = str(max(int(reset), 0))
        return response


# Django's own errors under /api/ -------------------------------------------------------------


def api_aware_404(request, exception=None):
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return problem_response(request, 404, "There is nothing at this address.")
    return page_not_found(request, exception)


def api_aware_400(request, exception=None):
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a host
    not allowed): under /api/ a problem, 413 for a body too big."""
    from django.core.exceptions import RequestDataTooBig
    from django.views.defaults import bad_request

    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(request, 413, "The request body is too big.")
        return problem_response(request, 400, "The request could not be read.")
    return bad_request(request, exception)


def api_aware_403(request, exception=None):
    from django.views.defaults import permission_denied

    if request.path.startswith("/api/"):
        return problem_response(request, 403, "You may not do that.")
    return permission_denied(request, exception)


def api_aware_500(request):
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        return problem_response(request, 500, "Something went wrong on our side; it is logged.")
    return server_error(request)
