from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..ai.service import MAX_PROMPT_CHARS
from ..ai.task_types import TASK_HELP, TaskType
from ..models import ContentItem


class GenerateForm(forms.Form):
    task = forms.ChoiceField(
        label=_("What do you need?"),
        # Lazy, so each reader sees the picker in their language (an f-string here froze
        # it in English when the module was imported).
        choices=[
            (kind.value, format_lazy("{} — {}", kind.label, TASK_HELP[kind])) for kind in TaskType
        ],
        initial=TaskType.CAPTION,
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
    variants = forms.TypedChoiceField(
        label=_("Drafts to choose from"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
        help_text=_("Each draft counts as one AI request."),
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
