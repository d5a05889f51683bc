"""The audit log: security events recorded through the real entry points, shown to their
owner under /settings/security/ and to staff in the admin."""

import pytest

from apps.users.models import SecurityEvent
from tests.factories import PASSWORD, UserFactory
from tests.users.test_mfa import _activate

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))


def test_log_ins_and_failures_are_recorded_with_address_and_device(client, user):
    client.post(
        "/accounts/login/",
        {"login": user.email, "password": "wrong-password"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Firefox on a phone",
    )
    client.post(
        "/accounts/login/",
        {"login": "nobody@example.com", "password": "wrong-password"},
        REMOTE_ADDR="203.0.113.10",
    )
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    failed = SecurityEvent.objects.get(user=user, kind="login_failed")
    assert (failed.ip, failed.user_agent) == ("203.0.113.9", "Firefox on a phone")
    # A failed log-in to an unknown address is kept for staff, without the address typed.
    stranger = SecurityEvent.objects.get(user=None, kind="login_failed")
    assert stranger.ip == "203.0.113.10" and "nobody" not in stranger.detail
    assert _kinds(user) == ["login", "login_failed"]

    page = client.get("/settings/security/").content.decode()
    assert "Recent activity" in page and "Failed log-in" in page and "203.0.113.9" in page
    assert "203.0.113.10" not in page  # nobody else's lines


def test_a_user_sees_only_their_own_events(client, user):
    other = UserFactory()
    client.force_login(other)
    client.post("/settings/api-keys/", {"name": "Other's script"})
    client.force_login(user)
    page = client.get("/settings/security/").content.decode()
    assert "Other&#x27;s script" not in page and "Other's script" not in page
    assert _kinds(user) == ["login"] and "Logged in" in page


def test_api_keys_and_two_factor_changes_are_recorded(
    client, user, django_capture_on_commit_callbacks
):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/settings/api-keys/", {"name": "Scheduler"})
    key = user.api_keys.get()
    client.post(f"/settings/api-keys/{key.pk}/revoke/")
    client.post(f"/settings/api-keys/{key.pk}/revoke/")  # twice: one event
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        _activate(client)
    kinds = _kinds(user)
    assert kinds.count("api_key_created") == 1 and kinds.count("api_key_revoked") == 1
    assert "mfa_added" in kinds
    created = SecurityEvent.objects.get(user=user, kind="api_key_created")
    assert created.detail == f"Scheduler ({key.prefix}…, read and write)"
    assert key.digest not in created.detail
    page = client.get("/settings/security/").content.decode()
    assert "API key revoked" in page and "Two-factor method added" in page


def test_staff_actions_are_recorded_with_the_staff_member(client, user, staff_user):
    client.force_login(staff_user)
    client.post(
        "/admin/users/user/",
        {"action": "suspend", "_selected_action": [user.pk], "confirm": "yes", "reason": "Fraud"},
    )
    client.post("/admin/users/user/", {"action": "lift_suspension", "_selected_action": [user.pk]})
    events = list(SecurityEvent.objects.filter(user=user, kind="staff_action").order_by("pk"))
    assert [e.detail for e in events] == ["Page suspended: Fraud", "Suspension lifted"]
    assert all(e.actor == staff_user for e in events)

    # Staff read the whole log in the admin, and cannot edit it.
    page = client.get("/admin/users/securityevent/")
    assert page.status_code == 200 and "Page suspended: Fraud" in page.content.decode()
    assert client.get(f"/admin/users/securityevent/{events[0].pk}/delete/").status_code == 403
    assert client.get("/admin/users/securityevent/add/").status_code == 403

    client.force_login(user)
    page = client.get("/settings/security/").content.decode()
    assert "Page suspended: Fraud" in page and "by Huntaze staff" in page
