import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ai.models import ChatMessage, Conversation, RouteFeedback, UsageRecord
from .ai.task_types import TaskType

__all__ = [
    "ChatMessage",
    "ContentItem",
    "Conversation",
    "GenerationJob",
    "Media",
    "RouteFeedback",
    "UsageRecord",
]


class Media(models.Model):
    """An image a creator uploaded: checked, re-encoded, with a thumbnail.

    Stored in the private storage; a public copy exists only while a published post shows it.
    Names are chosen by the server.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media"
    )
    name = models.CharField(max_length=200)
    thumb_name = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(default=False)
    # What the image shows, for screen readers and when it does not load.
    alt_text = models.CharField(_("description"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.name


class LiveContentManager(models.Manager):
    """Items not in the trash: what every page, feed and task sees."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllContentManager(models.Manager):
    """Every item, the trash included: for undo, the purge and the privacy export."""


class ContentItem(models.Model):
    """A piece of a creator's content: a draft from the studio, a scheduled or published post."""

    # The kinds of content are the studio's task types (one list, in ai/task_types.py).
    Kind = TaskType

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_items"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.POST)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=20000)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    prompt = models.TextField(_("request"), blank=True, max_length=4000)
    usage = models.ForeignKey(
        UsageRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slug = models.SlugField(_("address"), max_length=80, blank=True)
    media = models.ForeignKey(
        Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    scheduled_for = models.DateTimeField(_("publish at"), null=True, blank=True)
    # The zone the creator scheduled in: the time is shown back in it, with its name.
    scheduled_time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(_("moderation reason"), max_length=300, blank=True)
    # The studio job that wrote it, when it is one of a job's variants to choose from.
    generation_job = models.ForeignKey(
        "GenerationJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="variant_items",
    )
    # Deleted by its creator, who may still undo it; purged for good after TRASH_DAYS.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveContentManager()
    all_objects = AllContentManager()

    class Meta:
        ordering = ("-updated_at",)
        base_manager_name = "all_objects"
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        indexes = [
            models.Index(fields=["user", "status", "-updated_at"], name="content_user_status"),
            models.Index(fields=["user", "status", "-published_at"], name="content_public_page"),
            models.Index(fields=["status", "scheduled_for"], name="content_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slug"],
                condition=~models.Q(slug=""),
                name="content_unique_slug_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class GenerationJob(models.Model):
    """A generation run by a Celery worker; the studio polls it for progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs"
    )
    task = models.CharField(max_length=20, choices=TaskType)
    prompt = models.TextField(max_length=4000)
    regenerate = models.BooleanField(default=False)
    # "Redo with the stronger model": this job re-runs `redo_of` on gpt-4o.
    force_strong = models.BooleanField(default=False)
    # How many drafts to write, for the creator to pick one (each is an AI request).
    variants = models.PositiveSmallIntegerField(default=1)
    redo_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    item = models.ForeignKey(
        ContentItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.task} job {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
