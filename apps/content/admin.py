from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.admin_actions import with_reason

from .ai.feedback import route_feedback_jsonl, route_feedback_judge
from .library.services import content_item_edit, content_item_moderate, content_item_remove
from .models import (
    ChatMessage,
    ContentItem,
    Conversation,
    GenerationJob,
    RouteFeedback,
    UsageRecord,
)


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    """The AI ledger: read-only, since every row is a fact about a request that happened."""

    list_display = (
        "created_at",
        "user",
        "task",
        "model",
        "status",
        "cache_hit",
        "prompt_tokens",
        "cached_tokens",
        "completion_tokens",
        "latency_ms",
        "cost_usd",
    )
    list_filter = ("model", "status", "cache_hit", "fallback", "task")
    search_fields = ("user__email", "user__handle", "route_reason", "error")
    date_hierarchy = "created_at"
    list_select_related = ("user",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContentItem)
class ContentItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "kind", "status", "published_at", "moderated_at")
    list_filter = ("status", "kind", ("moderated_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "body", "user__email", "user__handle")
    list_select_related = ("user",)
    # Publishing state changes go through the library or the take-down action, which also
    # move the image between storages; the admin only edits the text, through the library's
    # own edit service (which refreshes the public page of a published post).
    fields = (
        "user",
        "kind",
        "title",
        "body",
        "status",
        "slug",
        "media",
        "prompt",
        "usage",
        "scheduled_for",
        "published_at",
        "moderated_at",
        "moderation_reason",
    )
    readonly_fields = tuple(name for name in fields if name not in ("kind", "title", "body"))
    actions = ("take_down",)

    def has_add_permission(self, request) -> bool:
        # Posts are the creators' own words: they write them in the studio or the library.
        return False

    def save_model(self, request, obj, form, change) -> None:
        content_item_edit(item=obj, kind=obj.kind, title=obj.title, body=obj.body)

    def delete_model(self, request, obj) -> None:
        content_item_remove(item=obj)

    def delete_queryset(self, request, queryset) -> None:
        for item in queryset.select_related("user", "media"):
            content_item_remove(item=item)

    take_down = admin.action(description=_("Take down: unpublish with a reason"))(
        with_reason(
            title="Take posts down",
            explanation="They leave the public page at once and cannot be published again.",
            submit_label="Take down",
            apply=lambda item, reason, actor: content_item_moderate(
                item=item, reason=reason, actor=actor
            ),
        )
    )


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "task", "state", "created_at")
    list_filter = ("state", "task")
    raw_id_fields = ("user", "item")


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    raw_id_fields = ("usage",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "updated_at")
    search_fields = ("title", "user__email")
    raw_id_fields = ("user",)
    inlines = (ChatMessageInline,)


def _judge(verdict: str):
    def action(modeladmin, request, queryset) -> None:
        for feedback in queryset:
            route_feedback_judge(feedback=feedback, verdict=verdict, reviewer=request.user)
        modeladmin.message_user(request, _("Verdict saved."))

    label = RouteFeedback.Verdict(verdict).label
    action.__name__ = f"judge_{verdict}"
    return admin.action(description=_("Verdict: %(label)s") % {"label": label})(action)


@admin.register(RouteFeedback)
class RouteFeedbackAdmin(admin.ModelAdmin):
    """Drafts a creator had redone on gpt-4o: judge whether the router was wrong, then export
    the judged rows as labelled requests for the router's corpus."""

    list_display = ("created_at", "task", "__str__", "lang", "verdict", "reviewed_by")
    list_filter = ("verdict", "lang", "task")
    search_fields = ("prompt",)
    list_select_related = ("reviewed_by",)
    fields = (
        "task",
        "lang",
        "prompt",
        "route_reason",
        "mini_text",
        "strong_text",
        "verdict",
        "reviewed_by",
        "reviewed_at",
        "created_at",
    )
    readonly_fields = (
        "task",
        "prompt",
        "route_reason",
        "mini_text",
        "strong_text",
        "reviewed_by",
        "reviewed_at",
        "created_at",
    )
    actions = (
        _judge(RouteFeedback.Verdict.CRITICAL),
        _judge(RouteFeedback.Verdict.ANALYSIS),
        _judge(RouteFeedback.Verdict.LONGFORM),
        _judge(RouteFeedback.Verdict.SIMPLE),
        "export_corpus_rows",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.save(update_fields=["lang"])
        if "verdict" in form.changed_data:
            route_feedback_judge(feedback=obj, verdict=obj.verdict, reviewer=request.user)

    @admin.action(description=_("Export judged rows for the router's corpus (JSONL)"))
    def export_corpus_rows(self, request, queryset):
        response = HttpResponse(
            route_feedback_jsonl(list(queryset)), content_type="application/x-ndjson"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="router-feedback-{stamp}.jsonl"'
        return response
