"""Profile, persona and links through the real settings pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.users.models import Link, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _image(fmt: str = "PNG", size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, format=fmt)
    return out.getvalue()


def _profile(client, **overrides):
    user = overrides.pop("user")
    data = {
        "name": user.name,
        "handle": user.handle or "",
        "bio": "",
        "time_zone": "UTC",
        **overrides,
    }
    return client.post("/settings/profile/", data)


@pytest.mark.parametrize(
    "path",
    [
        "/settings/profile/",
        "/settings/persona/",
        "/settings/links/",
        "/settings/api-keys/",
        "/settings/security/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/accounts/3rdparty/",
    ],
)
def test_every_settings_page_renders_for_a_creator(user_client, path):
    response = user_client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="settings-nav"' in html
    assert "style=" not in html.replace('style="display: none"', "STYLE")  # allauth JSON blocks ok


def test_settings_need_log_in(client):
    response = client.get("/settings/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_fans_are_sent_away_from_creator_pages(client):
    fan = UserFactory(role=User.Role.FAN, handle=None)
    client.force_login(fan)
    response = client.get("/settings/links/")
    assert response.status_code == 302 and response["Location"] == "/settings/profile/"
    html = client.get("/settings/profile/").content.decode()
    assert "/settings/links/" not in html


def test_profile_saves_name_handle_and_bio(user_client, user):
    response = _profile(user_client, user=user, name="Luna", handle="Luna_Star", bio="Hi fans")
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.handle, user.bio) == ("Luna", "luna_star", "Hi fans")


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("settings", "reserved"),
        ("taken", "already taken"),
        ("x", "lowercase letters"),
        ("", "need"),
        ("@", "lowercase letters"),
    ],
)
def test_profile_refuses_bad_handles(user_client, user, handle, message):
    UserFactory(handle="taken")
    old = user.handle
    response = _profile(user_client, user=user, handle=handle)
    assert response.status_code == 400
    assert 'id="id_handle_error"' in response.content.decode()
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.handle == old


def test_avatar_is_checked_cropped_and_reencoded(user_client, user):
    upload = SimpleUploadedFile("me.png", _image("PNG", (800, 600)), content_type="image/png")
    response = _profile(user_client, user=user, avatar=upload)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar.name.startswith("avatars/") and user.avatar.name.endswith(".webp")
    assert "me" not in user.avatar.name  # the server chooses the name
    with user.avatar.storage.open(user.avatar.name) as stored, Image.open(stored) as image:
        assert image.format == "WEBP"
        assert image.size == (512, 512)

    # Replacing it removes the old file.
    old_name = user.avatar.name
    upload = SimpleUploadedFile("new.jpg", _image("JPEG"), content_type="image/jpeg")
    with pytest.MonkeyPatch.context():
        response = _profile(user_client, user=user, avatar=upload)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar.name != old_name


def test_a_file_that_is_not_an_image_is_refused(user_client, user):
    fake = SimpleUploadedFile("cat.png", b"<?php echo 'not an image'; ?>", content_type="image/png")
    response = _profile(user_client, user=user, avatar=fake)
    assert response.status_code == 400
    assert "not an image we can read" in response.content.decode()
    user.refresh_from_db()
    assert not user.avatar


def test_a_too_large_avatar_is_refused(user_client, user, settings):
    settings.AVATAR_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.png", _image("PNG", (600, 600)), content_type="image/png")
    response = _profile(user_client, user=user, avatar=upload)
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_persona_is_saved_for_the_ai(user_client, user):
    response = user_client.post(
        "/settings/persona/",
        {
            "voice": "Bubbly gym girl.",
            "tone": "funny",
            "emojis": "lots",
            "words_to_avoid": "cheap, desperate",
            "language_codes": ["fr", "en"],
        },
    )
    assert response.status_code == 302
    persona = User.objects.get(pk=user.pk).persona
    assert persona.voice == "Bubbly gym girl." and persona.tone == "funny"
    assert persona.language_list == ["en", "fr"] or persona.language_list == ["fr", "en"]
    assert persona.avoid_list == ["cheap", "desperate"]


def test_persona_refuses_an_unknown_tone(user_client):
    response = user_client.post(
        "/settings/persona/",
        {"voice": "", "tone": "evil", "emojis": "some", "language_codes": ["en"]},
    )
    assert response.status_code == 400
    assert 'id="id_tone_error"' in response.content.decode()


def test_links_add_edit_move_and_remove(user_client, user):
    assert (
        user_client.post(
            "/settings/links/", {"title": "Insta", "url": "https://instagram.com/l"}
        ).status_code
        == 302
    )
    assert (
        user_client.post(
            "/settings/links/", {"title": "Shop", "url": "shop.example.com"}
        ).status_code
        == 302
    )
    first, second = Link.objects.filter(user=user)
    assert second.url == "https://shop.example.com"

    user_client.post(f"/settings/links/{second.pk}/move/", {"direction": "up"})
    assert [link.title for link in Link.objects.filter(user=user)] == ["Shop", "Insta"]

    response = user_client.post(
        f"/settings/links/{first.pk}/", {"title": "Instagram", "url": "https://instagram.com/luna"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.title == "Instagram"

    user_client.post(f"/settings/links/{second.pk}/delete/")
    assert list(Link.objects.filter(user=user).values_list("title", "position")) == [
        ("Instagram", 0)
    ]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example.com", "data:text/html,hi"]
)
def test_links_must_be_http_or_https(user_client, user, url):
    response = user_client.post("/settings/links/", {"title": "Bad", "url": url})
    assert response.status_code == 400
    assert 'id="id_url_error"' in response.content.decode()
    assert not Link.objects.filter(user=user).exists()


def test_the_plan_limits_the_number_of_links(user_client, user):
    for number in range(5):  # the Free plan allows 5
        user_client.post("/settings/links/", {"title": f"L{number}", "url": "https://example.com"})
    response = user_client.post(
        "/settings/links/", {"title": "One too many", "url": "https://example.com"}
    )
    assert response.status_code == 400
    assert "Your plan allows 5 links" in response.content.decode()
    assert Link.objects.filter(user=user).count() == 5


def test_nobody_touches_another_creators_links(user_client):
    other = UserFactory()
    link = Link.objects.create(user=other, title="Theirs", url="https://example.com")
    assert user_client.get(f"/settings/links/{link.pk}/").status_code == 404
    assert user_client.post(f"/settings/links/{link.pk}/delete/").status_code == 404
    assert (
        user_client.post(
            f"/settings/links/{link.pk}/", {"title": "Mine", "url": "https://x.y"}
        ).status_code
        == 404
    )
    link.refresh_from_db()
    assert link.title == "Theirs"


def test_links_page_lists_without_a_query_per_link(
    user_client, user, django_assert_max_num_queries
):
    for number in range(5):
        Link.objects.create(
            user=user, title=f"L{number}", url="https://example.com", position=number
        )
    with django_assert_max_num_queries(4):
        response = user_client.get("/settings/links/")
    assert response.status_code == 200


def test_the_avatar_can_be_removed(user_client, user, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("me.png", _image(), content_type="image/png")
    _profile(user_client, user=user, avatar=upload)
    user.refresh_from_db()
    stored = user.avatar.name
    assert 'name="remove_avatar"' in user_client.get("/settings/profile/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _profile(user_client, user=user, remove_avatar="on")
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.avatar
    assert not user.avatar.storage.exists(stored)
