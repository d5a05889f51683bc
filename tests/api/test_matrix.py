"""Who may do what: every operation of /api/v1/ for every kind of caller. Nobody reads or
changes another user's data; the statuses are the documented ones."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from apps.users.models import ApiKey
from apps.users.services import api_key_revoke
from tests.api.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"

# (method, path, body); {item} and {link} are the owner's.
OPERATIONS = [
    ("get", "/api/v1/me/", None),
    ("patch", "/api/v1/me/", {"name": "Changed"}),
    ("get", "/api/v1/content/", None),
    ("post", "/api/v1/content/", {"body": "New"}),
    ("get", "/api/v1/content/{item}/", None),
    ("patch", "/api/v1/content/{item}/", {"body": "Changed"}),
    ("post", "/api/v1/content/{item}/publish/", {}),
    ("post", "/api/v1/content/{item}/schedule/", {"scheduled_for": "{tomorrow}"}),
    ("post", "/api/v1/content/{item}/unpublish/", {}),
    ("post", "/api/v1/content/{item}/archive/", {}),
    ("post", "/api/v1/content/{item}/duplicate/", {}),
    ("delete", "/api/v1/content/{item}/image/", None),
    ("get", "/api/v1/generations/", None),
    ("get", "/api/v1/usage/", None),
    ("get", "/api/v1/links/", None),
    ("post", "/api/v1/links/", {"title": "New", "url": "https://new.example.com/"}),
    ("get", "/api/v1/links/{link}/", None),
    ("patch", "/api/v1/links/{link}/", {"title": "Changed"}),
    ("put", "/api/v1/links/order/", {"order": "{all_links}"}),
    ("get", "/api/v1/analytics/", None),
    ("get", "/api/v1/analytics/links/", None),
    ("get", "/api/v1/analytics/posts/", None),
    ("get", "/api/v1/subscription/", None),
    # Last, so that the operations above find the owner's objects.
    ("delete", "/api/v1/content/{item}/", None),
    ("delete", "/api/v1/links/{link}/", None),
]
OWN = ("{item}", "{link}")
OWNER_KEYS = ("owner", "read-only key")
ACCOUNT_ONLY = ("/api/v1/me/", "/api/v1/subscription/")  # not creator-only


def _call(client, method, path, body, headers, owner):
    path = path.format(item=owner.item.pk, link=owner.link.pk)
    if body is not None:
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        links = [str(pk) for pk in owner.links.values_list("pk", flat=True)][::-1]
        values = {"{tomorrow}": tomorrow, "{all_links}": links}
        body = {
            k: (
                [str(owner.link.pk)]
                if v == ["{link}"]
                else values.get(v, v)
                if isinstance(v, str)
                else v
            )
            for k, v in body.items()
        }
        return getattr(client, method)(path, body, content_type=JSON, headers=headers)
    return getattr(client, method)(path, headers=headers)


def _expected(caller: str, method: str, path: str) -> set[int]:
    writes = method != "get"
    if caller in ("anonymous", "revoked key"):
        return {401}
    if caller == "read-only key" and writes:
        return {403}
    if caller in ("fan", "staff") and path not in ACCOUNT_ONLY:
        return {403}  # creator resources; staff here hold a fan account on a paid plan
    if caller == "other creator" and any(token in path for token in OWN):
        return {404}  # the owner's objects do not exist for anyone else
    if caller == "other creator" and path == "/api/v1/links/order/":
        return {400}  # the owner's link is not among theirs
    return {200, 201, 204}


@pytest.fixture
def callers(owner):
    revoked_user = UserFactory(handle="gone", tier="pro")
    revoked = bearer(revoked_user)
    api_key_revoke(key=ApiKey.objects.get(user=revoked_user))
    return {
        "anonymous": {},
        "owner": bearer(owner),
        "other creator": bearer(UserFactory(handle="other", tier="pro")),
        "fan": bearer(UserFactory(role="fan", handle=None, tier="pro")),
        "staff": bearer(UserFactory(role="fan", handle=None, tier="pro", is_staff=True)),
        "revoked key": revoked,
        "read-only key": bearer(owner, ApiKey.Scope.READ),
    }


@pytest.mark.parametrize(
    "caller",
    ["anonymous", "owner", "other creator", "fan", "staff", "revoked key", "read-only key"],
)
def test_every_operation_for_every_caller(client, owner, callers, caller):
    before = {
        "items": list(owner.content_items.values_list("pk", "body", "status").order_by("pk")),
        "links": list(owner.links.values_list("pk", "title", "position").order_by("pk")),
        "name": owner.name,
    }
    for method, path, body in OPERATIONS:
        owner.refresh_from_db()
        response = _call(client, method, path, body, callers[caller], owner)
        assert response.status_code in _expected(caller, method, path), (
            caller,
            method,
            path,
            response.status_code,
            response.content[:300],
        )
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/problem+json")
        if caller not in OWNER_KEYS and response.status_code == 200 and method == "get":
            text = response.content.decode()
            # Another caller's answers never carry the owner's data.
            assert "First post" not in text and "shop.example.com" not in text
    if caller not in OWNER_KEYS or caller == "read-only key":
        owner.refresh_from_db()
        assert before == {
            "items": list(owner.content_items.values_list("pk", "body", "status").order_by("pk")),
            "links": list(owner.links.values_list("pk", "title", "position").order_by("pk")),
            "name": owner.name,
        }


def _api_routes(resolver=None, prefix="") -> set[str]:
    resolver = resolver or get_resolver()
    found = set()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found |= _api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            found.add(route)
    return found


def test_the_matrix_covers_every_route_of_the_api():
    covered = {
        path.replace("{item}", "<int:item_id>").replace("{link}", "<uuid:link_id>").lstrip("/")
        for _method, path, _body in OPERATIONS
    }
    # Routes the matrix reaches another way: a job's own id, the image upload (multipart).
    covered |= {"api/v1/generations/<uuid:job_id>/"}
    assert _api_routes() - covered == set()
