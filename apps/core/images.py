"""Reading uploaded images safely: by their bytes, within size and pixel limits.

Shared by avatars (apps/users) and post images (apps/content/library/media.py)."""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A JPEG is decoded at a reduced scale (draft mode), so even a 50-megapixel phone photo
# costs little; other formats are decoded whole, and a tiny PNG of 7,000 x 7,000 pixels once
# took 16 s and 350 MB to read. Nothing is kept bigger than 2,048 px a side anyway, and
# draft mode never decodes below the box it is given.
MAX_PIXELS = 60_000_000
MAX_PIXELS_DECODED_WHOLE = 4096 * 4096
DECODE_BOX = (2048, 2048)
T = TypeVar("T")


def image_read(*, upload: UploadedFile, max_bytes: int, use: Callable[[Image.Image], T]) -> T:
    """Check an upload and hand the decoded, upright RGB image to `use`.

    Raises ValidationError for files that are too big, are not images, are in a format we do
    not accept, or have too many pixels. Callers re-encode the image, which drops metadata
    (EXIF, GPS) and anything hidden after the image data.
    """
    if upload.size > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise ValidationError(_("The image is too large: %(limit)s MB at most.") % {"limit": limit})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format, (width, height) = probe.format, probe.size
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(_("Please upload a JPEG, PNG, WebP or GIF image."))
        limit = MAX_PIXELS if image_format == "JPEG" else MAX_PIXELS_DECODED_WHOLE
        if width * height > limit:
            raise ValidationError(_("The image has too many pixels."))
        upload.seek(0)
        with Image.open(upload) as image:
            if image_format == "JPEG":
                image.draft("RGB", DECODE_BOX)
            return use(ImageOps.exif_transpose(image).convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not an image we can read.")) from exc
