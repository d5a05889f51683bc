"""The audit log of security events: recorded here, read by /settings/security/ and the admin.

Services call `security_event_record`; log-ins, failed log-ins, password and two-factor
changes arrive through Django's and allauth's signals, connected in `connect()`. The address
and device come from the request being served (set by `AuditRequestMiddleware`), so services
need not pass the request along.
"""

import contextvars
import ipaddress
import logging

from django.contrib.auth import signals as auth_signals
from django.db import DatabaseError
from django.http import HttpRequest

from apps.core.http import client_ip

from .models import SecurityEvent, User

logger = logging.getLogger(__name__)

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)


class AuditRequestMiddleware:
    """Remember the request being served, for the address and device of the events it causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _origin(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    ip = client_ip(request)
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        ip = None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:200]


def security_event_record(
    *,
    user: User | None,
    kind: str,
    detail: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """Add a line to `user`'s audit log (staff see every line in the admin)."""
    ip, user_agent = _origin(request or _current_request.get())
    if actor is not None and user is not None and actor.pk == user.pk:
        actor = None
    return SecurityEvent.objects.create(
        user=user,
        actor=actor,
        kind=kind,
        detail=detail[:300],
        ip=ip,
        user_agent=user_agent,
    )


# Signals ----------------------------------------------------------------------------------


def _on_login(sender, request, user, **kwargs) -> None:
    security_event_record(user=user, kind=SecurityEvent.Kind.LOGIN, request=request)


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The address typed is kept only when it is an account's own: an unknown one may be
    # somebody else's, and is nobody's business here.
    login = credentials.get("email") or credentials.get("username") or ""
    user = User.objects.filter(email__iexact=login.strip()).first() if login else None
    try:
        security_event_record(user=user, kind=SecurityEvent.Kind.LOGIN_FAILED, request=request)
    except DatabaseError:
        logger.exception("could not record a failed log-in")


def _on_password(kind_detail: str):
    def receiver(sender, request, user, **kwargs) -> None:
        security_event_record(
            user=user, kind=SecurityEvent.Kind.PASSWORD_CHANGED, detail=kind_detail, request=request
        )

    return receiver


def _on_authenticator(kind: str):
    def receiver(sender, request, user, authenticator=None, **kwargs) -> None:
        detail = authenticator.get_type_display() if authenticator is not None else ""
        security_event_record(user=user, kind=kind, detail=str(detail), request=request)

    return receiver


def _on_mfa_failed(sender, request, user, **kwargs) -> None:
    security_event_record(user=user, kind=SecurityEvent.Kind.MFA_FAILED, request=request)


def connect() -> None:
    """Connect the receivers (called once, from UsersConfig.ready)."""
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals

    pairs = [
        (auth_signals.user_logged_in, _on_login),
        (auth_signals.user_login_failed, _on_login_failed),
        (account_signals.password_changed, _on_password("changed")),
        (account_signals.password_set, _on_password("set")),
        (account_signals.password_reset, _on_password("reset by e-mail")),
        (mfa_signals.authenticator_added, _on_authenticator(SecurityEvent.Kind.MFA_ADDED)),
        (mfa_signals.authenticator_removed, _on_authenticator(SecurityEvent.Kind.MFA_REMOVED)),
        (mfa_signals.authenticator_reset, _on_authenticator(SecurityEvent.Kind.MFA_RESET)),
        (mfa_signals.authentication_failed, _on_mfa_failed),
    ]
    for number, (signal, receiver) in enumerate(pairs):
        signal.connect(receiver, weak=False, dispatch_uid=f"users.audit.{number}")
