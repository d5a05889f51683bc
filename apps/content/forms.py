from django import forms
from django.utils.translation import gettext_lazy as _

from .ai.service import MAX_PROMPT_CHARS
from .models import ContentItem

TASK_HELP = {
    "caption": _("A caption for a photo or video"),
    "post": _("A post or promo for a platform"),
    "hashtags": _("Hashtags for a post"),
    "bio": _("A profile bio"),
    "ideas": _("Content ideas"),
    "dm_reply": _("A reply to a fan"),
    "chatbot": _("A question for the assistant"),
    "strategy": _("Strategy from your numbers"),
    "compliance": _("Check a text against platform rules"),
    "longform": _("A newsletter, calendar or long text"),
}


class GenerateForm(forms.Form):
    task = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[
            (kind.value, f"{kind.label} — {TASK_HELP[kind.value]}") for kind in ContentItem.Kind
        ],
        initial=ContentItem.Kind.CAPTION,
    )
    prompt = forms.CharField(
        label=_("Your request"),
        max_length=MAX_PROMPT_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _(
                    "e.g. A playful Instagram caption for my beach shoot, mention the sale"
                ),
            }
        ),
        help_text=_(
            "Give the details: platform, the shoot, the offer. Your persona is added for you."
        ),
    )


class DraftForm(forms.ModelForm):
    class Meta:
        model = ContentItem
        fields = ("title", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class ChatForm(forms.Form):
    content = forms.CharField(
        label=_("Message"),
        max_length=MAX_PROMPT_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Ask anything about your content or your business")}
        ),
    )


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *ContentItem.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ContentItem.Status.choices],
    )


class ContentItemForm(forms.ModelForm):
    class Meta:
        model = ContentItem
        fields = ("kind", "title", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


def _time_zone_choices():
    from apps.users.models import available_timezones

    return [(name, name) for name in sorted(available_timezones())]


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)

    def clean(self):
        cleaned = super().clean()
        when, zone = cleaned.get("scheduled_for"), cleaned.get("time_zone")
        if when and zone:
            import zoneinfo

            from django.utils import timezone

            naive = timezone.make_naive(when) if timezone.is_aware(when) else when
            if naive.year > timezone.now().year + 2:
                self.add_error("scheduled_for", _("Pick a time within the next two years."))
                return cleaned
            cleaned["scheduled_for"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return cleaned
