"""One id per request, in every log line it causes, in its response, in the Celery tasks it
enqueues and in its Sentry events; and one JSON log line per request.

Production logs are JSON lines on stdout (see LOGGING in huntaze/settings/production.py):
level, logger, message, request id, user id (never an e-mail or an IP address), route,
status and duration.
"""

import contextvars
import logging
import re
import time
import uuid

import sentry_sdk
from celery import signals as celery_signals
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
# An id from the load balancer is kept when it looks like one (letters, digits, dashes).
_VALID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)

access_logger = logging.getLogger("huntaze.request")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Give the request its id (the balancer's, or a new one), time it, return the id in
    `X-Request-ID`, and write one log line when it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        user_token = _user_id.set(None)
        sentry_sdk.set_tag("request_id", request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                _user_id.set(user.pk)
            response[HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            # A middleware that answers before URL resolution may name its route itself.
            route = match.route if match else getattr(request, "log_route", "(unmatched)")
            access_logger.info(
                "%s %s",
                request.method,
                route,
                extra={
                    "method": request.method,
                    "route": route,
                    "view": match.view_name if match else "",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)
            _user_id.reset(user_token)


class RequestContextFilter(logging.Filter):
    """Put the current request's id and user id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id.get()
        return True


class JsonLogFormatter(JsonFormatter):
    """python-json-logger's formatter, keeping out what may carry personal data: Django puts
    the whole request (path with its query string, headers) on its error records."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)


# Celery: the id travels with the task as a message header.


@celery_signals.before_task_publish.connect(weak=False, dispatch_uid="request_id.publish")
def _publish_with_request_id(sender=None, headers=None, **kwargs) -> None:
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers["request_id"] = request_id


_task_tokens: dict[str, contextvars.Token] = {}


@celery_signals.task_prerun.connect(weak=False, dispatch_uid="request_id.prerun")
def _task_takes_request_id(task_id=None, task=None, **kwargs) -> None:
    # From the message header; a task run inline (eager) keeps the request's own id.
    request_id = getattr(task.request, "request_id", None) or _request_id.get()
    _task_tokens[task_id] = _request_id.set(request_id)
    if request_id:
        sentry_sdk.set_tag("request_id", request_id)


@celery_signals.task_postrun.connect(weak=False, dispatch_uid="request_id.postrun")
def _task_done(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _request_id.reset(token)
