from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from .models import ApiKey
from .services import api_key_authenticate


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` with one of the user's API keys."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as: Authorization: Bearer <key>.")
            )
        try:
            raw_key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        key = api_key_authenticate(raw_key=raw_key)
        if key is None:
            raise exceptions.AuthenticationFailed(
                _("The API key is not valid or has been revoked.")
            )
        return key.user, key

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 with WWW-Authenticate rather than 403.
        return f'{self.keyword} realm="api"'


class KeyScopePermission(permissions.BasePermission):
    """A read-only key reads (GET, HEAD, OPTIONS) and nothing else; a read-write key and a
    browser session may write."""

    message = _("This API key is read-only: create a read-write key to change anything.")

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey) or request.method in permissions.SAFE_METHODS:
            return True
        return key.scope == ApiKey.Scope.READ_WRITE
