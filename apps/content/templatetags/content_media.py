from django import template

from ..library.media import media_url

register = template.Library()


@register.filter
def media_src(media) -> str:
    return media_url(media) if media else ""


@register.filter
def media_thumb(media) -> str:
    return media_url(media, thumb=True) if media else ""
