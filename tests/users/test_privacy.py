"""/settings/privacy/: the export of all of a person's data, the deletion of their account,
and the registry that keeps both complete."""

import datetime
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.storage import default_storage, storages
from django.utils import timezone
from djstripe.models import Customer

from apps.analytics.models import DailyStat, Event
from apps.content.library.services import content_item_create, content_item_publish
from apps.content.models import ChatMessage, Conversation, UsageRecord
from apps.users import privacy
from apps.users.models import DataExport, SecurityEvent, User
from apps.users.services import api_key_create, follow_create, link_create, persona_update
from tests.content.test_media import _png, _upload
from tests.factories import PASSWORD, UserFactory
from tests.users.test_mfa import _activate, totp

pytestmark = pytest.mark.django_db


# The registry ------------------------------------------------------------------------------


def _gaps(registry) -> list[str]:
    """Why `registry` misses personal data: every table pointing at a user, and every table
    of ours pointing at such a table, needs an entry; every other column pointing at users
    must be declared and nullable; an anonymised owner must be nullable."""
    user_model = apps.get_model("users", "User")
    covered = {entry.model for entry in registry}
    gaps = []
    personal = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                personal.add(model)
                entries = [e for e in registry if e.model is model]
                owners = {e.owner.split("__")[0] for e in entries}
                others = {name for e in entries for name in e.also_points_at_users}
                if not entries:
                    gaps.append(f"{model._meta.label} is neither exported nor erased")
                elif field.name not in owners | others:
                    gaps.append(f"{model._meta.label}.{field.name} is not declared")
                elif field.name in others and not field.null:
                    gaps.append(f"{model._meta.label}.{field.name} cannot be set to NULL")
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model in personal
                and field.related_model is not user_model
                and model not in personal
                and model not in covered
            ):
                gaps.append(f"{model._meta.label} holds {field.related_model._meta.label} rows")
    for entry in registry:
        if entry.erase == privacy.ANONYMISE:
            owner = entry.model._meta.get_field(entry.owner)
            if not owner.null:
                gaps.append(f"{entry.model._meta.label}.{entry.owner} cannot be anonymised")
    return sorted(set(gaps))


def test_every_table_about_a_person_is_exported_or_erased():
    assert _gaps(privacy.personal_data_registry()) == []


def test_a_forgotten_table_is_caught():
    registry = [
        e
        for e in privacy.personal_data_registry()
        if e.model not in (apps.get_model("users", "Persona"), ChatMessage)
    ]
    assert _gaps(registry) == [
        "content.ChatMessage holds content.Conversation rows",
        "content.ChatMessage holds content.UsageRecord rows",
        "users.Persona is neither exported nor erased",
    ]


# A creator with something in every table ---------------------------------------------------


@pytest.fixture
def rich_creator(client, django_capture_on_commit_callbacks):
    creator = UserFactory(handle="luna", email="luna@example.com", name="Luna")
    persona_update(user=creator, voice="Cosy and teasing.", tone="playful")
    link_create(user=creator, title="Shop", url="https://shop.example.com/luna")
    api_key_create(user=creator, name="Scheduler")
    star = UserFactory(handle="star")
    follow_create(follower=creator, creator=star)
    follow_create(follower=UserFactory(role="fan", handle=None), creator=creator)
    item = content_item_create(user=creator, kind="post", title="Beach day", body="Sun!")
    client.force_login(creator)
    assert _upload(client, item, _png((800, 600))).status_code == 302
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        content_item_publish(item=item)
    usage = UsageRecord.objects.create(
        user=creator, task="caption", model="gpt-4o-mini", prompt_version="v1", cost_usd="0.0004"
    )
    conversation = Conversation.objects.create(user=creator, title="Ideas")
    ChatMessage.objects.create(conversation=conversation, role="user", content="Any ideas?")
    ChatMessage.objects.create(
        conversation=conversation, role="assistant", content="Plenty.", usage=usage
    )
    Event.objects.create(kind="page_view", creator=creator, visitor="f" * 32)
    DailyStat.objects.create(
        creator=creator, day=datetime.date(2026, 1, 2), metric="views", value=3
    )
    return creator


# Export ---------------------------------------------------------------------------------------


def _export(client, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/privacy/export/")
    assert response.status_code == 302 and response["Location"] == "/settings/privacy/"
    return DataExport.objects.latest("created_at")


def test_the_export_is_a_zip_of_everything_about_me_and_nothing_of_others(
    client, rich_creator, django_capture_on_commit_callbacks
):
    other = UserFactory(handle="other", email="other@example.com")
    content_item_create(user=other, kind="post", title="Not yours", body="Secret of other")
    client.force_login(rich_creator)
    export = _export(client, django_capture_on_commit_callbacks)
    assert (export.state, export.progress) == ("done", 100)
    assert export.expires_at > timezone.now() + timedelta(days=6)

    page = client.get("/settings/privacy/").content.decode()
    assert "Your export is ready." in page and "Download my data" in page
    response = client.get(f"/settings/privacy/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())

    def load(name):
        return json.loads(archive.read(name))

    account = load("account.json")[0]
    assert account["email"] == "luna@example.com" and account["handle"] == "luna"
    assert "password" not in account and account["terms_version"] == ""
    assert load("persona.json")[0]["voice"] == "Cosy and teasing."
    assert load("page_links.json")[0]["url"] == "https://shop.example.com/luna"
    keys = load("api_keys.json")
    assert keys[0]["name"] == "Scheduler" and "digest" not in keys[0]
    assert len(load("following.json")) == 1  # whom I follow, not who follows me
    posts = load("content/posts.json")
    assert [p["title"] for p in posts] == ["Beach day"]
    image = load("content/images.json")[0]
    assert f"files/{image['name']}" in names
    assert archive.read(f"files/{image['name']}")[:4] == b"RIFF"  # the WebP itself
    assert [m["content"] for m in load("studio/chat_messages.json")] == ["Any ideas?", "Plenty."]
    assert load("ai/ledger.json")[0]["cost_usd"] == "0.000400"
    events = load("analytics/page_events.json")
    assert "page_view" in {e["kind"] for e in events}
    assert all("visitor" not in event for event in events)
    assert load("analytics/daily_figures.json")[0]["value"] == 3
    assert any(e["kind"] == "export_requested" for e in load("security_events.json"))
    assert "billing/stripe_customers.json" in names and "README.txt" in names
    assert b"Secret of other" not in b"".join(archive.read(n) for n in names)
    assert b"other@example.com" not in b"".join(archive.read(n) for n in names)

    kinds = set(rich_creator.security_events.values_list("kind", flat=True))
    assert {"export_requested", "export_downloaded"} <= kinds


def test_an_export_belongs_to_its_owner_and_expires(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    export = _export(client, django_capture_on_commit_callbacks)
    url = f"/settings/privacy/exports/{export.pk}/download/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(f"/settings/privacy/exports/{export.pk}/").status_code == 404
    client.force_login(user)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    response = client.get(url)
    assert response.status_code == 410 and "This export has expired" in response.content.decode()
    # The hourly sweep deletes the file.
    from apps.users.services import data_exports_expire

    assert default_storage.exists(export.file_name)
    assert data_exports_expire() == 1
    assert not default_storage.exists(export.file_name)
    assert client.get(url).status_code == 410


def test_a_running_export_shows_its_progress_and_is_not_started_twice(client, user, settings):
    # Without a worker the job waits: the page shows it queued, then polls for progress.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(user)
    export = DataExport.objects.create(user=user, state="running", progress=40)
    page = client.get("/settings/privacy/").content.decode()
    assert "Gathering your data…" in page and 'value="40"' in page
    assert f'hx-get="/settings/privacy/exports/{export.pk}/"' in page
    assert "Refresh to see the progress" in page  # without JavaScript
    fragment = client.get(f"/settings/privacy/exports/{export.pk}/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'value="40"' in fragment.content.decode()
    client.post("/settings/privacy/export/")
    assert DataExport.objects.filter(user=user).count() == 1


# Deletion --------------------------------------------------------------------------------------


def _delete(client, **data):
    return client.post("/settings/privacy/delete/", data)


def test_deletion_needs_the_address_typed_and_the_password(client, user):
    client.force_login(user)
    response = _delete(client, confirm="someone@else.com", password=PASSWORD)
    assert response.status_code == 400
    assert "This is not your account&#x27;s e-mail address." in response.content.decode()
    response = _delete(client, confirm=user.email, password="wrong")
    assert (
        response.status_code == 400 and "This password is not right." in response.content.decode()
    )
    assert User.objects.filter(pk=user.pk).exists()
    # Guessing is limited like allauth's own re-authentication.
    for _ in range(10):
        _delete(client, confirm=user.email, password="wrong")
    response = _delete(client, confirm=user.email, password=PASSWORD)
    assert response.status_code == 429 and User.objects.filter(pk=user.pk).exists()


def test_with_two_factor_deletion_also_needs_a_code(
    client, user, django_capture_on_commit_callbacks
):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    secret = _activate(client)
    response = _delete(client, confirm=user.email, password=PASSWORD, code="123456")
    assert response.status_code == 400 and User.objects.filter(pk=user.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(client, confirm=user.email, password=PASSWORD, code=totp(secret))
    assert response.status_code == 302 and not User.objects.filter(pk=user.pk).exists()


def test_deleting_my_account_erases_every_row_file_page_and_subscription(
    client, rich_creator, fake_stripe, django_capture_on_commit_callbacks
):
    creator = rich_creator
    user_id = creator.pk
    customer_id = Customer.get_or_create(subscriber=creator)[0].id
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    client.force_login(creator)
    export = _export(client, django_capture_on_commit_callbacks)
    media = creator.media.get()
    files = [
        (default_storage, media.name),
        (storages["public"], media.name),
        (default_storage, export.file_name),
    ]
    assert all(storage.exists(name) for storage, name in files)
    assert client.get("/@luna/").status_code == 200  # now in the page cache
    ledger_cost = UsageRecord.objects.get(user=creator).cost_usd

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(client, confirm="LUNA@example.com ", password=PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=user_id).exists()
    for entry in privacy.personal_data_registry():
        rows = entry.model._base_manager.filter(**{entry.owner: user_id})
        assert not rows.exists(), entry.model._meta.label
    # The ledger keeps its cost, anonymised.
    assert UsageRecord.objects.get(user=None).cost_usd == ledger_cost
    assert not any(storage.exists(name) for storage, name in files)
    assert client.get("/@luna/").status_code == 404
    assert fake_stripe.objects["subscription"][sub["id"]]["status"] == "canceled"
    event = SecurityEvent.objects.get(kind="account_deleted")
    assert event.user is None and event.detail == f"Account #{user_id} deleted by its owner"
    assert "luna" not in event.detail.lower()


def test_when_stripe_cannot_cancel_nothing_is_deleted(client, rich_creator, fake_stripe, settings):
    customer_id = Customer.get_or_create(subscriber=rich_creator)[0].id
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    fake_stripe.fail_paths[f"/v1/subscriptions/{sub['id']}"] = 10
    client.force_login(rich_creator)
    response = _delete(client, confirm=rich_creator.email, password=PASSWORD)
    assert response.status_code == 503 and response["Retry-After"]
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=rich_creator.pk).exists()
    assert rich_creator.media.exists() and rich_creator.content_items.exists()
    assert fake_stripe.objects["subscription"][sub["id"]]["status"] == "active"


def test_an_export_the_broker_never_got_is_sent_again(user, django_capture_on_commit_callbacks):
    from apps.users.services import data_exports_requeue

    export = DataExport.objects.create(user=user)  # queued, its message lost
    assert data_exports_requeue() == 0  # not yet: a worker may simply be busy
    DataExport.objects.filter(pk=export.pk).update(updated_at=timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_requeue() == 1
    export.refresh_from_db()
    assert export.state == "done" and export.file_name
    assert data_exports_requeue() == 0
