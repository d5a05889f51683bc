from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

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
        user = api_key_authenticate(raw_key=raw_key)
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("The API key is not valid or has been revoked.")
            )
        return user, None

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 with WWW-Authenticate rather than 403.
        return f'{self.keyword} realm="api"'
