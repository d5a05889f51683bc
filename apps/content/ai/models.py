"""The AI ledger and chat history. Registered under the `content` app (imported by
apps/content/models.py), but nothing here imports the rest of apps/content."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UsageRecord(models.Model):
    """One row per AI request: what was asked, where it went, what it cost."""

    class Status(models.TextChoices):
        OK = "ok", _("Succeeded")
        ERROR = "error", _("Failed")

    # NULL once the account is deleted: the ledger keeps its costs, not the person.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ai_usage",
    )
    task = models.CharField(max_length=20)
    deployment = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=50, blank=True)
    route_reason = models.CharField(max_length=255, blank=True)
    # The router's probabilities per reason, the vocabulary floor that matched and the model
    # version: why this request went where it went.
    route_scores = models.JSONField(default=dict, blank=True)
    prompt_version = models.CharField(max_length=30)
    prompt_tokens = models.PositiveIntegerField(default=0)
    cached_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    cache_hit = models.BooleanField(default=False)
    fallback = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.OK)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "content"
        ordering = ("-created_at",)
        verbose_name = _("AI usage record")
        verbose_name_plural = _("AI usage ledger")
        indexes = [
            models.Index(fields=["user", "created_at"], name="usage_user_created"),
            models.Index(fields=["model", "created_at"], name="usage_model_created"),
        ]

    def __str__(self) -> str:
        return f"{self.task} on {self.model or '-'} for {self.user_id} ({self.status})"


class Conversation(models.Model):
    """An assistant chat thread of one creator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "content"
        ordering = ("-updated_at",)

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"


class ChatMessage(models.Model):
    class Role(models.TextChoices):
        USER = "user", _("You")
        ASSISTANT = "assistant", _("Assistant")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=10, choices=Role)
    content = models.TextField()
    usage = models.ForeignKey(UsageRecord, null=True, blank=True, on_delete=models.SET_NULL)
    # Set while an answer to this question is being written, so that a second reader of
    # the stream (another tab, a reload) does not pay for a second answer.
    answer_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "content"
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:40]}"


class RouteFeedback(models.Model):
    """A creator had a draft of the small model redone on gpt-4o: a sign the router may
    have been wrong. Staff give the verdict; judged rows are exported as corpus rows."""

    class Verdict(models.TextChoices):
        PENDING = "pending", _("To review")
        CRITICAL = "critical", _("Needed gpt-4o: critical")
        ANALYSIS = "analysis", _("Needed gpt-4o: analysis")
        LONGFORM = "longform", _("Needed gpt-4o: long form")
        SIMPLE = "simple", _("The small model was enough")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="route_feedback"
    )
    task = models.CharField(max_length=20)
    prompt = models.TextField(max_length=4000)
    lang = models.CharField(_("language"), max_length=2, default="en")
    route_reason = models.CharField(max_length=255, blank=True)
    mini_usage = models.ForeignKey(
        UsageRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strong_usage = models.ForeignKey(
        UsageRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mini_text = models.TextField(_("small model's draft"), blank=True)
    strong_text = models.TextField(_("gpt-4o's draft"), blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=Verdict, default=Verdict.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "content"
        ordering = ("-created_at",)
        verbose_name = _("routing feedback")
        verbose_name_plural = _("routing feedback")

    def __str__(self) -> str:
        return f"{self.task}: {self.prompt[:60]}"
