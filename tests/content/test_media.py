"""Images in posts: checked, re-encoded with thumbnails, private until published — on the local
disk and on S3 through django-storages and boto3 against moto's server."""

import io
import socket
import urllib.request

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from moto.server import ThreadedMotoServer
from PIL import Image

from apps.content.library.media import media_url
from apps.content.library.services import content_item_create
from apps.content.models import ContentItem, Media

pytestmark = pytest.mark.django_db


def _png(size=(3000, 2000)) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", size, (20, 120, 200))
    image.save(out, format="PNG")
    return SimpleUploadedFile("holiday.png", out.getvalue(), content_type="image/png")


def _upload(client, item, upload):
    return client.post(f"/content/{item.pk}/image/", {"image": upload})


@pytest.fixture
def item(user):
    return content_item_create(user=user, kind="post", title="Beach", body="Sun")


def test_an_image_is_reencoded_with_a_thumbnail_and_kept_private(user_client, item):
    response = _upload(user_client, item, _png())
    assert response.status_code == 302
    item.refresh_from_db()
    media = item.media
    assert media.name.startswith("media/") and media.name.endswith(".webp")
    assert "holiday" not in media.name  # the server chooses names
    assert (media.width, media.height) == (2048, 1365)
    with default_storage.open(media.thumb_name) as thumb, Image.open(thumb) as image:
        assert image.format == "WEBP" and max(image.size) == 480
    assert not media.is_public and not storages["public"].exists(media.name)

    url = media_url(media)
    assert url.startswith("/media/private/")
    assert user_client.get(url).status_code == 200
    assert user_client.get(url[:-3] + "xx/").status_code == 404  # tampered signature


def test_publishing_copies_the_image_to_public_and_unpublishing_removes_it(
    user_client, item, client, django_capture_on_commit_callbacks
):
    _upload(user_client, item, _png((800, 600)))
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/content/{item.pk}/action/", {"action": "publish"})
    media = Media.objects.get()
    assert media.is_public and storages["public"].exists(media.name)
    page = client.get(f"/@{item.user.handle}/").content.decode()
    assert storages["public"].url(media.thumb_name) in page
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/content/{item.pk}/action/", {"action": "draft"})
    media.refresh_from_db()
    assert not media.is_public and not storages["public"].exists(media.name)
    assert default_storage.exists(media.name)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.png", b"GIF89a-not-really", content_type="image/png"),
            "not an image",
        ),
        (
            SimpleUploadedFile(
                "x.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/jpeg"
            ),
            "not an image",
        ),
    ],
)
def test_files_that_are_not_images_are_refused(user_client, item, upload, message):
    response = _upload(user_client, item, upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Media.objects.exists()


def test_too_large_files_are_refused(user_client, item, settings):
    settings.MEDIA_MAX_BYTES = 1000
    response = _upload(user_client, item, _png((500, 500)))
    assert response.status_code == 400 and "too large" in response.content.decode()


def test_replacing_and_removing_clean_up_files(
    user_client, item, django_capture_on_commit_callbacks
):
    _upload(user_client, item, _png((400, 400)))
    first = Media.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(user_client, item, _png((500, 500)))
    assert not Media.objects.filter(pk=first.pk).exists()
    assert not default_storage.exists(first.name)
    second = Media.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/content/{item.pk}/image/", {"action": "remove"})
    assert not Media.objects.exists() and not default_storage.exists(second.name)


def test_nobody_adds_images_to_another_creators_post(client, item):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert _upload(client, item, _png((100, 100))).status_code == 404


# S3 --------------------------------------------------------------------------------------


@pytest.fixture
def s3(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="media")
    common = {
        "bucket_name": "media",
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "file_overwrite": False,
    }
    config = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 600,
            },
        },
        "public": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "public",
                "default_acl": "public-read",
                "querystring_auth": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=config, MEDIA_PRIVATE_SERVED_BY_DJANGO=False):
        yield boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    server.stop()


def _keys(s3) -> set[str]:
    return {obj["Key"] for obj in s3.list_objects_v2(Bucket="media").get("Contents", [])}


def test_s3_keeps_drafts_private_behind_presigned_urls(s3, user_client, item):
    _upload(user_client, item, _png((640, 480)))
    media = Media.objects.get()
    assert {f"private/{media.name}", f"private/{media.thumb_name}"} <= _keys(s3)
    acl = s3.get_object_acl(Bucket="media", Key=f"private/{media.name}")
    assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"])
    url = media_url(media)
    assert "X-Amz-Signature=" in url or "Signature=" in url
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback moto
        assert response.status == 200 and response.read()[:4] == b"RIFF"


def test_s3_publishing_makes_a_public_copy(
    s3, user_client, item, django_capture_on_commit_callbacks
):
    _upload(user_client, item, _png((640, 480)))
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/content/{item.pk}/action/", {"action": "publish"})
    media = Media.objects.get()
    assert f"public/{media.name}" in _keys(s3)
    acl = s3.get_object_acl(Bucket="media", Key=f"public/{media.name}")
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"])
    url = media_url(media)
    assert "Signature" not in url and url.endswith(media.name)
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback moto
        assert response.status == 200
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/content/{item.pk}/action/", {"action": "archived"})
    assert f"public/{media.name}" not in _keys(s3)
    assert ContentItem.objects.get().status == "archived"


def test_a_huge_png_is_refused_before_it_is_decoded(user_client, item):
    # A few hundred KB of PNG can hold an image that takes seconds and hundreds of MB to
    # decode (the security review's 7,000 x 7,000 case); past 4,096 x 4,096 it is refused.
    response = _upload(user_client, item, _png(size=(4200, 4200)))
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    item.refresh_from_db()
    assert item.media is None


def test_a_big_phone_photo_is_decoded_at_reduced_scale(user_client, item):
    out = io.BytesIO()
    Image.new("RGB", (6000, 4500), (200, 80, 40)).save(out, format="JPEG", quality=70)
    upload = SimpleUploadedFile("phone.jpg", out.getvalue(), content_type="image/jpeg")
    assert _upload(user_client, item, upload).status_code == 302
    item.refresh_from_db()
    assert (item.media.width, item.media.height) == (2048, 1536)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_creator_in_the_admin_removes_files_pages_and_their_email(client, staff_user):
    from django.contrib.admin.models import LogEntry

    from apps.content.library.services import content_item_publish
    from apps.users.models import User
    from tests.factories import UserFactory

    creator = UserFactory(handle="gone", email="gone@example.com")
    item = content_item_create(user=creator, kind="post", title="Last one", body="Bye")
    client.force_login(creator)
    assert _upload(client, item, _png()).status_code == 302
    item.refresh_from_db()
    content_item_publish(item=item)
    names = [item.media.name, item.media.thumb_name]
    assert all(storages["public"].exists(n) for n in names)
    assert client.get("/@gone/").status_code == 200  # now in the page cache

    client.force_login(staff_user)
    response = client.post(
        "/admin/users/user/",
        {"action": "delete_selected", "_selected_action": [creator.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=creator.pk).exists()
    assert client.get("/@gone/").status_code == 404  # not served from the cache
    assert not any(default_storage.exists(n) or storages["public"].exists(n) for n in names)
    entry = LogEntry.objects.get(object_id=str(creator.pk))
    assert "gone@example.com" not in entry.object_repr + entry.change_message


def test_public_images_are_served_without_s3_and_debug_off(
    user_client, item, client, settings, django_capture_on_commit_callbacks
):
    from apps.content.library.services import content_item_publish

    assert not settings.DEBUG
    _upload(user_client, item, _png())
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        content_item_publish(item=item)
    item.media.refresh_from_db()
    url = media_url(item.media)
    assert url.startswith("/media/public/")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "public" in response["Cache-Control"]
    assert client.get("/media/public/media/nothing-here.webp").status_code == 404
    sneaky = client.get("/media/public/..%2Fprivate%2F" + item.media.name.split("/")[-1])
    assert sneaky.status_code in (400, 404)


def test_a_post_image_gets_a_description_fans_screen_readers_read(
    user_client, user, item, client, django_capture_on_commit_callbacks
):
    from apps.content.library.services import content_item_publish

    upload = _png()
    response = user_client.post(
        f"/content/{item.pk}/image/", {"image": upload, "alt_text": "Luna on the beach at dusk"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.media.alt_text == "Luna on the beach at dusk"
    with django_capture_on_commit_callbacks(execute=True):
        content_item_publish(item=item)
    assert 'alt="Luna on the beach at dusk"' in client.get(f"/@{user.handle}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(
            f"/content/{item.pk}/image/", {"action": "describe", "alt_text": "Sunset, two dogs"}
        )
    page = client.get(f"/@{user.handle}/p/{item.slug}/").content.decode()
    assert 'alt="Sunset, two dogs"' in page  # the cached page was refreshed
    edit = user_client.get(f"/content/{item.pk}/").content.decode()
    assert 'value="Sunset, two dogs"' in edit and "What the image shows" in edit
