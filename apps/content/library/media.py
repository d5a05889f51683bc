"""Images: checked by content, re-encoded with a thumbnail, stored privately, copied to the
public storage while a published post shows them."""

import io
import uuid

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from apps.core.images import image_read

from ..models import ContentItem, Media

_SIGNING_SALT = "huntaze.media"


def _encode(image: Image.Image, max_side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def media_process(*, upload: UploadedFile) -> tuple[bytes, bytes, int, int]:
    """(image, thumbnail, width, height) as WebP, or ValidationError (see image_read)."""

    def encode(image: Image.Image) -> tuple[bytes, bytes, int, int]:
        scale = min(1.0, settings.MEDIA_MAX_SIDE_PX / max(image.size))
        return (
            _encode(image, settings.MEDIA_MAX_SIDE_PX),
            _encode(image, settings.MEDIA_THUMB_PX),
            round(image.width * scale),
            round(image.height * scale),
        )

    return image_read(upload=upload, max_bytes=settings.MEDIA_MAX_BYTES, use=encode)


@transaction.atomic
def media_create(*, user, upload: UploadedFile) -> Media:
    main, thumb, width, height = media_process(upload=upload)
    stem = f"media/{uuid.uuid4().hex}"
    name = default_storage.save(f"{stem}.webp", ContentFile(main))
    thumb_name = default_storage.save(f"{stem}_thumb.webp", ContentFile(thumb))
    media = Media(
        user=user, name=name, thumb_name=thumb_name, width=width, height=height, size=len(main)
    )
    media.full_clean()
    media.save()
    return media


def media_make_public(media: Media) -> None:
    """Copy the image and its thumbnail to the public storage (idempotent)."""
    public = storages["public"]
    for name in (media.name, media.thumb_name):
        if not public.exists(name):
            with default_storage.open(name, "rb") as source:
                public.save(name, ContentFile(source.read()))
    Media.objects.filter(pk=media.pk).update(is_public=True)
    media.is_public = True


def media_make_private(media: Media) -> None:
    """Remove the public copies, unless another published post still shows the image."""
    if media.items.filter(status=ContentItem.Status.PUBLISHED).exists():
        return
    public = storages["public"]
    for name in (media.name, media.thumb_name):
        public.delete(name)
    Media.objects.filter(pk=media.pk).update(is_public=False)
    media.is_public = False


def media_delete(*, media: Media) -> None:
    media_make_private(media)
    for name in (media.name, media.thumb_name):
        default_storage.delete(name)
    media.delete()


def media_url(media: Media, *, thumb: bool = False) -> str:
    """Where a browser can load the image: the public copy if there is one, otherwise an
    expiring signed URL (S3 presigned, or our signed view on the local disk)."""
    name = media.thumb_name if thumb else media.name
    if media.is_public:
        return storages["public"].url(name)
    if settings.MEDIA_PRIVATE_SERVED_BY_DJANGO:
        token = signing.dumps(name, salt=_SIGNING_SALT, compress=True)
        return reverse("media_private", args=[token])
    return default_storage.url(name)


def media_name_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=_SIGNING_SALT, max_age=settings.MEDIA_SIGNED_URL_SECONDS)
    except signing.BadSignature:
        return None
