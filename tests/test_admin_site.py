"""The staff admin: branded, our apps first and Stripe's under one heading, an overview."""

import pytest

from apps.content.library.services import content_item_create, content_item_moderate
from apps.content.models import UsageRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_is_branded_and_orders_its_apps(client, staff_user):
    client.force_login(staff_user)
    html = client.get("/admin/").content.decode()
    assert "Huntaze staff" in html and "<title>Run Huntaze | Huntaze admin</title>" in html
    assert 'href="/admin/overview/"' in html
    users = html.index("/admin/users/")
    content = html.index("/admin/content/")
    stripe = html.index("Stripe billing (dj-stripe, read from Stripe)")
    assert users < content < stripe  # ours first, Stripe's many tables last, under one heading


def test_the_overview_points_staff_at_what_needs_them(client, staff_user):
    creator = UserFactory()
    post = content_item_create(user=creator, kind="post", title="Bad", body="x")
    content_item_moderate(item=post, reason="Stolen photo")
    UserFactory(suspended_at="2026-11-01T00:00:00Z")
    UsageRecord.objects.create(
        user=creator, task="caption", prompt_version="v", model="m", cost_usd="0.25"
    )
    UsageRecord.objects.create(
        user=creator, task="caption", prompt_version="v", model="m", status="error"
    )
    client.force_login(staff_user)
    response = client.get("/admin/overview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>1</strong> posts taken down in the last 7 days" in html
    assert "1 creators suspended" in html
    assert "<strong>2</strong> AI requests in the last 24 hours" in html and "$0.25 spent" in html
    for url in (
        "/admin/content/usagerecord/",
        "/admin/content/routefeedback/?verdict__exact=pending",
        "/admin/djstripe/webhookeventtrigger/?processed__exact=0",
        "/admin/subscriptions/plan/",
    ):
        assert url in html
        assert client.get(url).status_code == 200

    # Staff only.
    client.force_login(creator)
    assert client.get("/admin/overview/").status_code == 302
