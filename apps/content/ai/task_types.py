"""The task types of the studio and the API: the one list behind the content model's kinds,
the router, the prompt families, the studio form and the API.

Adding a type means adding it here, with its family, typical length and help text."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskType(models.TextChoices):
    CAPTION = "caption", _("Caption")
    POST = "post", _("Post")
    HASHTAGS = "hashtags", _("Hashtags")
    BIO = "bio", _("Bio")
    IDEAS = "ideas", _("Ideas")
    REPLY = "dm_reply", _("Fan reply")
    ANSWER = "chatbot", _("Answer")
    STRATEGY = "strategy", _("Strategy")
    COMPLIANCE = "compliance", _("Compliance check")
    LONGFORM = "longform", _("Long form")


# The family whose system prompt a task uses.
TASK_FAMILIES: dict[str, str] = {
    TaskType.CAPTION: "social",
    TaskType.POST: "social",
    TaskType.HASHTAGS: "social",
    TaskType.BIO: "social",
    TaskType.IDEAS: "social",
    TaskType.REPLY: "conversation",
    TaskType.ANSWER: "conversation",
    TaskType.STRATEGY: "advisor",
    TaskType.COMPLIANCE: "advisor",
    TaskType.LONGFORM: "longform",
}

# Typical answer length (words) per task when the request says nothing about length.
TYPICAL_WORDS: dict[str, int] = {
    TaskType.CAPTION: 40,
    TaskType.HASHTAGS: 30,
    TaskType.BIO: 30,
    TaskType.REPLY: 40,
    TaskType.POST: 120,
    TaskType.IDEAS: 180,
    TaskType.ANSWER: 180,
    TaskType.STRATEGY: 500,
    TaskType.COMPLIANCE: 300,
    TaskType.LONGFORM: 1100,
}

# What each type is for, shown beside its name in the studio's picker.
TASK_HELP = {
    TaskType.CAPTION: _("A caption for a photo or video"),
    TaskType.POST: _("A post or promo for a platform"),
    TaskType.HASHTAGS: _("Hashtags for a post"),
    TaskType.BIO: _("A profile bio"),
    TaskType.IDEAS: _("Content ideas"),
    TaskType.REPLY: _("A reply to a fan"),
    TaskType.ANSWER: _("A question for the assistant"),
    TaskType.STRATEGY: _("Strategy from your numbers"),
    TaskType.COMPLIANCE: _("Check a text against platform rules"),
    TaskType.LONGFORM: _("A newsletter, calendar or long text"),
}


# Where a platform limits a type's length, the studio counts characters against it.
TASK_CHAR_LIMITS: dict[str, tuple[int, str]] = {
    TaskType.CAPTION: (2200, _("an Instagram caption")),
    TaskType.POST: (2200, _("an Instagram post")),
    TaskType.BIO: (150, _("an Instagram bio")),
    TaskType.REPLY: (1000, _("an Instagram message")),
}
