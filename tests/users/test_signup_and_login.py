"""E-mail + password accounts through allauth's real pages, with our roles and onboarding."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from apps.users.legal import TERMS_VERSION
from apps.users.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"


def _signup(client, **overrides):
    data = {
        "role": "creator",
        "email": "luna@example.com",
        "handle": "luna",
        "password1": STRONG,
        "password2": STRONG,
        "accept_terms": "on",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def _link_in_last_mail(pattern: str) -> str:
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_signup_page_offers_both_roles(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="creator"' in html and 'value="fan"' in html
    assert 'name="handle"' in html


def test_creator_signup_requires_verification_then_onboards(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="luna@example.com")
    assert user.role == User.Role.CREATOR and user.handle == "luna"
    assert not EmailAddress.objects.get(user=user).verified

    # Log-in is refused until the address is verified.
    client.logout()
    response = client.post("/accounts/login/", {"login": "luna@example.com", "password": STRONG})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    link = _link_in_last_mail(r"http://testserver/accounts/confirm-email/[^\s]+")
    response = client.post(link.removeprefix("http://testserver"))
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        "/welcome/",
        {"name": "Luna Star", "handle": "luna", "voice": "Cosy and teasing.", "tone": "playful"},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    user.refresh_from_db()
    assert user.onboarded_at is not None and user.name == "Luna Star"
    assert user.persona.voice == "Cosy and teasing." and user.persona.tone == "playful"
    # Onboarding is done once.
    assert client.get("/welcome/")["Location"] == "/dashboard/"


def test_signing_up_needs_the_terms_accepted_and_keeps_the_version_and_time(client):
    response = _signup(client, accept_terms="")
    assert response.status_code == 200
    assert "Please accept the terms to create an account." in response.content.decode()
    assert not User.objects.filter(email="luna@example.com").exists()

    before = timezone.now()
    assert _signup(client).status_code == 302
    user = User.objects.get(email="luna@example.com")
    assert user.terms_version == TERMS_VERSION and user.terms_accepted_at >= before


def test_the_terms_and_privacy_policy_are_linked_from_every_page(client):
    for url, title in (("/terms/", "Terms of service"), ("/privacy/", "Privacy policy")):
        response = client.get(url)
        assert response.status_code == 200 and f"<h1>{title}</h1>" in response.content.decode()
        assert TERMS_VERSION in response.content.decode()
    home = client.get("/").content.decode()
    assert 'href="/terms/"' in home and 'href="/privacy/"' in home
    signup = client.get("/accounts/signup/").content.decode()
    assert 'name="accept_terms"' in signup and 'href="/privacy/"' in signup
    french = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Politique de confidentialité" in french


def test_fan_signup_needs_no_handle(client):
    response = _signup(client, role="fan", email="fan@example.com", handle="")
    assert response.status_code == 302
    fan = User.objects.get(email="fan@example.com")
    assert fan.role == User.Role.FAN and fan.handle is None
    assert not fan.needs_onboarding


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("", "Creators need a handle"),
        ("admin", "reserved"),
        ("Bad Handle!", "lowercase letters"),
        ("taken_one", "already taken"),
        ("TAKEN_ONE", "already taken"),
        ("@", "lowercase letters"),
        ("@@ ", "lowercase letters"),
    ],
)
def test_creator_signup_rejects_bad_handles_next_to_the_field(client, handle, message):
    UserFactory(handle="taken_one")
    response = _signup(client, handle=handle)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_handle_error"' in html
    assert message in html
    assert not User.objects.filter(email="luna@example.com").exists()


def test_signup_with_a_taken_email_does_not_reveal_the_account(client):
    existing = UserFactory(email="luna@example.com")
    response = _signup(client, handle="someone_new")
    # Same answer as a fresh sign-up: the verification page.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="luna@example.com").count() == 1
    assert mail.outbox[-1].to == [existing.email]
    assert "already" in mail.outbox[-1].body.lower()


def test_log_out_needs_a_post(user_client):
    assert user_client.get("/accounts/logout/").status_code == 200  # a confirmation page
    assert "_auth_user_id" in user_client.session
    response = user_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in user_client.session


def test_password_reset_round_trip(client, user):
    response = client.post("/accounts/password/reset/", {"email": user.email.upper()})
    assert response.status_code == 302
    link = _link_in_last_mail(r"http://testserver/accounts/password/reset/key/[^\s]+")
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 302  # allauth moves the key into the session
    form_url = response["Location"]
    response = client.post(form_url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    # A note goes to the address saying there is no account; nothing is revealed on the page.
    assert mail.outbox[-1].to == ["nobody@example.com"]


def test_change_password_needs_the_current_one(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 200
    assert "Please type your current password" in response.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_changing_email_requires_recent_reauthentication(client, user):
    # A session without a recent password entry (as after a long time logged in).
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="new@example.com").exists()

    # After the password, allauth carries out the change that was asked for.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="new@example.com", verified=False).exists()
    assert mail.outbox[-1].to == ["new@example.com"]
    page = client.get("/accounts/email/").content.decode()
    assert "new@example.com" in page and "waiting for verification" in page
    assert "style=" not in page


def test_a_known_address_costs_the_same_password_hashing_as_a_new_one(client, settings):
    # Sign-up answered in 16-46 ms for a known e-mail and 330-380 ms for a new one: the
    # missing password hash told who has an account. Both now hash once.
    from tests.fakes.hashers import CountingHasher

    settings.PASSWORD_HASHERS = ["tests.fakes.hashers.CountingHasher"]
    UserFactory(email="known@example.com")
    CountingHasher.hashed = 0
    _signup(client, email="known@example.com", handle="someone_new")
    known = CountingHasher.hashed
    CountingHasher.hashed = 0
    _signup(Client(), email="fresh@example.com", handle="fresh_one")
    assert known == CountingHasher.hashed >= 1
