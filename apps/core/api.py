"""The API's one exception handler: service exceptions become responses here, so API views
just call services and let what they raise pass through."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import UpgradeRequired


def api_exception_handler(exc, context):
    """A service's ValidationError -> 400 with the fields it names; UpgradeRequired -> 402
    with an absolute `upgrade_url`; everything else as DRF answers it."""
    if isinstance(exc, UpgradeRequired):
        request = context.get("request")
        url = request.build_absolute_uri(exc.upgrade_url) if request else exc.upgrade_url
        return Response({"detail": exc.message, "upgrade_url": url}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, answering 400 instead of 500 to JSON nested too deep to decode."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError("The JSON is nested too deeply.") from exc
