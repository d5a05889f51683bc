"""Open Graph images (1200 x 630) for fans' pages and posts, drawn on the server: what a
link shows when it is shared in a chat or a feed. Kept in the cache under the page
version, so a change to the page draws a new one."""

import io
import textwrap

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from apps.users.models import User

from .cache import public_cache_version

WIDTH, HEIGHT = 1200, 630
OG_CACHE_SECONDS = 60 * 60 * 24
# The accent palette's colours (see static/css/huntaze.css), as the background.
ACCENT_RGB = {
    "violet": (109, 40, 217),
    "rose": (190, 18, 60),
    "coral": (194, 65, 12),
    "amber": (180, 83, 9),
    "emerald": (4, 120, 87),
    "teal": (15, 118, 110),
    "sky": (3, 105, 161),
    "slate": (51, 65, 85),
}


def _font(size: int):
    return ImageFont.load_default(size=size)


def og_image_draw(*, creator: User, title: str = "") -> bytes:
    """A PNG: the creator's name and handle, and a post's title when there is one."""
    image = Image.new("RGB", (WIDTH, HEIGHT), ACCENT_RGB.get(creator.accent, ACCENT_RGB["violet"]))
    draw = ImageDraw.Draw(image)
    name = creator.name or creator.handle
    margin = 80
    y = 90
    if title:
        for line in textwrap.wrap(title, width=28)[:3]:
            draw.text((margin, y), line, font=_font(72), fill="white")
            y += 90
        y += 30
        draw.text((margin, y), name, font=_font(44), fill="white")
        y += 60
    else:
        draw.text((margin, y + 80), name[:40], font=_font(96), fill="white")
        y += 220
    draw.text((margin, y), f"@{creator.handle}", font=_font(44), fill=(255, 255, 255, 200))
    draw.text((margin, HEIGHT - 90), "Huntaze", font=_font(36), fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def og_image_cached(*, creator: User, key: str, title: str = "") -> bytes:
    """The image for this page at its current version, drawn once."""
    version = public_cache_version(creator.handle)
    cache_key = f"public:og:{creator.handle}:{version}:{key}"
    data = cache.get(cache_key) if version else None
    if data is None:
        data = og_image_draw(creator=creator, title=title)
        if version:
            cache.set(cache_key, data, timeout=OG_CACHE_SECONDS)
    return data
