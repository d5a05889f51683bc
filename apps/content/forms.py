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
                    "e.g. A playful Instagram caption for my beach shoot, mention 20% off"
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
