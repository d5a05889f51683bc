"""Log-in by code (the magic link): one use, short life, three attempts."""

import re
import time

import pytest
from django.core import mail
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _request_code(client, email: str):
    return client.post("/accounts/login/code/", {"email": email})


def _code_and_link() -> tuple[str, str]:
    body = mail.outbox[-1].body
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.M)
    link = re.search(r"http://testserver(/accounts/login/code/confirm/\?code=[^\s]+)", body)
    assert code and link, body
    return code.group(1), link.group(1)


def test_the_mail_carries_a_code_and_a_link_that_fills_it_in(client, user):
    response = _request_code(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    code, link = _code_and_link()
    assert mail.outbox[-1].to == [user.email]

    # The link opens the form with the code filled in; it does not log in by itself.
    page = client.get(link)
    assert page.status_code == 200
    assert f'value="{code}"' in page.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_code_works_once(client, user):
    _request_code(client, user.email)
    code, _link = _code_and_link()
    client.post("/accounts/login/code/confirm/", {"code": code})
    client.post("/accounts/logout/")

    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/"  # no pending log-in any more
    assert "_auth_user_id" not in client.session


def test_three_wrong_codes_end_the_attempt(client, user):
    _request_code(client, user.email)
    code, _link = _code_and_link()
    for _attempt in range(2):
        response = client.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})
        assert response.status_code == 200
        assert "Incorrect code" in response.content.decode()
    response = client.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})
    assert response.status_code == 302  # the third miss ends it
    # Even the right code no longer works.
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_LOGIN_BY_CODE_TIMEOUT=1)
def test_an_expired_code_is_refused(client, user):
    _request_code(client, user.email)
    code, _link = _code_and_link()
    time.sleep(1.2)
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_gets_the_same_answer(client):
    response = _request_code(client, "nobody@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    # The only mail says there is no account there; no code is sent.
    assert len(mail.outbox) == 1
    assert not re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", mail.outbox[0].body)
