from django import template
from django.utils.translation import gettext_lazy as _

from ..ai.task_types import TASK_CHAR_LIMITS
from ..library.media import media_url

register = template.Library()


@register.filter
def media_src(media) -> str:
    return media_url(media) if media else ""


@register.filter
def media_thumb(media) -> str:
    return media_url(media, thumb=True) if media else ""


@register.filter
def char_limit(task: str):
    """(limit, what it is) for a task type whose platform limits its length, or None."""
    return TASK_CHAR_LIMITS.get(task)


_REASONS = (
    ("maybe critical", _("it might be sensitive, so the stronger model to be safe")),
    ("critical", _("a sensitive or risky request, so the stronger model")),
    ("analysis", _("it needs analysis")),
    ("long form", _("a long text")),
    ("plan without gpt-4o", _("your plan writes it with the fast model")),
    ("short everyday task", _("a short everyday task, so the fast model")),
)


@register.filter
def route_explained(reason: str) -> str:
    """The router's reason (kept in English in the ledger, for staff) in the reader's words."""
    parts = []
    for piece in (reason or "").split(";"):
        piece = piece.strip()
        for prefix, words in _REASONS:
            if piece.startswith(prefix):
                parts.append(str(words))
                break
    return ", ".join(parts)
