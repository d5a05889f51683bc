"""Google and GitHub log-in through allauth's real views; the providers' token and user-info
endpoints are answered by a local HTTP server."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from django.test import override_settings

from apps.users.legal import TERMS_VERSION
from apps.users.models import User
from tests.factories import UserFactory
from tests.fakes.http import RouteServer

pytestmark = pytest.mark.django_db

PROVIDERS = {
    "google": {
        "APPS": [{"client_id": "google-client", "secret": "google-secret"}],
        "SCOPE": ["openid", "profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
    },
    "github": {
        "APPS": [{"client_id": "github-client", "secret": "github-secret"}],
        "SCOPE": ["read:user", "user:email"],
    },
}


def _google_routes(email: str, verified: bool = True):
    def token(request):
        assert request.form["client_id"] == "google-client"
        assert request.form["code"] == "auth-code"
        assert request.form.get("code_verifier")  # PKCE
        claims = {
            "iss": "https://accounts.google.com",
            "aud": "google-client",
            "sub": "google-user-1",
            "email": email,
            "email_verified": verified,
            "name": "Gina Google",
            "given_name": "Gina",
            "family_name": "Google",
            "iat": int(time.time()),
            "exp": int(time.time()) + 600,
        }
        id_token = jwt.encode(claims, "not-checked-over-a-direct-tls-call", algorithm="HS256")
        return 200, {"access_token": "ya29.token", "expires_in": 3600, "id_token": id_token}

    return {("POST", "/google/token"): token}


def _github_routes(email: str, verified: bool):
    def token(request):
        assert request.form["client_id"] == "github-client"
        return 200, {"access_token": "gho_token", "token_type": "bearer", "scope": "user:email"}

    def user(request):
        assert request.headers["Authorization"] == "token gho_token"
        return 200, {"id": 4242, "login": "octoluna", "name": "Octo Luna", "email": None}

    def emails(request):
        return 200, [{"email": email, "verified": verified, "primary": True}]

    return {
        ("POST", "/github/login/oauth/access_token"): token,
        ("GET", "/github/api/user"): user,
        ("GET", "/github/api/user/emails"): emails,
    }


@pytest.fixture
def providers(monkeypatch):
    with override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS):
        yield monkeypatch


def _point(monkeypatch, server: RouteServer) -> None:
    monkeypatch.setattr(GoogleOAuth2Adapter, "access_token_url", f"{server.url}/google/token")
    monkeypatch.setattr(
        GitHubOAuth2Adapter, "access_token_url", f"{server.url}/github/login/oauth/access_token"
    )
    monkeypatch.setattr(GitHubOAuth2Adapter, "profile_url", f"{server.url}/github/api/user")
    monkeypatch.setattr(GitHubOAuth2Adapter, "emails_url", f"{server.url}/github/api/user/emails")


def _round_trip(client, provider: str):
    response = client.post(f"/accounts/{provider}/login/")
    assert response.status_code == 302, response.content[:500]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["client_id"] == [PROVIDERS[provider]["APPS"][0]["client_id"]]
    return client.get(
        f"/accounts/{provider}/login/callback/", {"code": "auth-code", "state": query["state"][0]}
    )


def test_buttons_show_only_for_configured_providers(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS={}):
        html = client.get("/accounts/login/").content.decode()
    assert "/accounts/google/login/" not in html and "/accounts/github/login/" not in html
    with override_settings(SOCIALACCOUNT_PROVIDERS={"github": PROVIDERS["github"]}):
        html = client.get("/accounts/login/").content.decode()
    assert "/accounts/github/login/" in html and "/accounts/google/login/" not in html


def test_google_sign_up_creates_a_creator_who_onboards(client, providers):
    with RouteServer(_google_routes("gina@example.com")) as server:
        _point(providers, server)
        response = _round_trip(client, "google")
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"
    user = User.objects.get(email="gina@example.com")
    assert user.role == User.Role.CREATOR and user.name == "Gina Google"
    assert user.emailaddress_set.get().verified
    assert SocialAccount.objects.get(user=user).provider == "google"
    assert client.session["_auth_user_id"] == str(user.pk)
    # The log-in page says that signing up this way accepts the terms: the consent is kept.
    assert user.terms_version == TERMS_VERSION and user.terms_accepted_at is not None


def test_github_with_a_verified_email_logs_into_the_existing_account(client, providers):
    existing = UserFactory(email="luna@example.com")
    with RouteServer(_github_routes("luna@example.com", verified=True)) as server:
        _point(providers, server)
        response = _round_trip(client, "github")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert SocialAccount.objects.get(provider="github").user == existing


def test_an_unverified_provider_email_never_logs_into_an_existing_account(client, providers):
    existing = UserFactory(email="luna@example.com")
    with RouteServer(_github_routes("luna@example.com", verified=False)) as server:
        _point(providers, server)
        response = _round_trip(client, "github")
    assert client.session.get("_auth_user_id") != str(existing.pk)
    assert not SocialAccount.objects.filter(user=existing).exists()
    # Nobody is logged in and no second account appears; allauth treats it like a sign-up
    # with a taken address and answers as it would for any sign-up (no enumeration).
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email__iexact="luna@example.com").count() == 1
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def test_a_provider_error_is_explained_not_a_500(client, providers):
    routes = {("POST", "/google/token"): lambda request: (400, {"error": "invalid_grant"})}
    with RouteServer(routes) as server:
        _point(providers, server)
        response = _round_trip(client, "google")
    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert "_auth_user_id" not in client.session
