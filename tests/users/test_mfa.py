"""Optional two-factor log-in with TOTP and recovery codes (allauth.mfa)."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code for a base32 secret (30 s steps, 6 digits, SHA-1), as an app computes it."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _log_in(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def _activate(client) -> str:
    # Turning on two-factor asks for the password again, however recent the log-in.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'value="([A-Z2-7]{32})"', page.content.decode()).group(1)
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret


def test_totp_then_recovery_codes_guard_the_log_in(client, user):
    _log_in(client, user)
    secret = _activate(client)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    codes_page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    textarea = re.search(
        r'<textarea[^>]*id="recovery_codes"[^>]*>(.*?)</textarea>', codes_page, re.S
    )
    recovery = textarea.group(1).split()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.post("/accounts/logout/")

    # The password alone is no longer enough.
    response = _log_in(client, user)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp(secret, time.time() + 30)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/accounts/logout/")

    # A recovery code works once when the phone is lost.
    assert len(recovery) == 10
    code = recovery[0]
    _log_in(client, user)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/accounts/logout/")
    _log_in(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_security_page_says_whether_two_factor_is_on(client, user):
    _log_in(client, user)
    assert "Off. Turn it on" in client.get("/settings/security/").content.decode()
    _activate(client)
    assert "On: log-ins ask for a code" in client.get("/settings/security/").content.decode()


def test_the_admin_log_in_goes_through_allauth_and_its_two_factor(client, user):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    _log_in(client, user)
    secret = _activate(client)
    client.post("/accounts/logout/")

    # The admin's own form no longer takes a password: it sends staff to allauth's log-in.
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302

    # The password alone is not enough there either; the code is.
    response = _log_in(client, user)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.post("/accounts/2fa/authenticate/", {"code": totp(secret, time.time() + 30)})
    assert client.get("/admin/").status_code == 200


def test_wrong_admin_passwords_meet_the_log_in_rate_limit(client, user):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    for _attempt in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": "wrong"})
    # The sixth try, even with the right password, is refused: the admin has no way round.
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert client.post("/admin/login/", {"username": user.email, "password": PASSWORD})[
        "Location"
    ].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
