"""Learning from use: pairs of drafts (the small model's, then gpt-4o's when the creator asked
for a redo), judged by staff and exported as rows for the router's corpus."""

import json
import re

from django.db import transaction
from django.utils import timezone

from .models import RouteFeedback, UsageRecord

# A handful of the commonest words of each language is enough to tell a creator's French
# from their English; staff correct the guess in the admin when it is wrong.
_FRENCH = re.compile(
    r"\b(le|la|les|des|une|est|et|pour|avec|mais|je|tu|mon|ma|mes|pas|que|qui|sur|dans|"
    r"ça|c'est|j'ai|vous|nous|mes|ton|ta|tes|quoi|comment|pourquoi|abonnés)\b",
    re.IGNORECASE,
)
_ENGLISH = re.compile(
    r"\b(the|and|for|with|but|my|you|your|is|are|what|how|why|this|that|to|of|it)\b",
    re.IGNORECASE,
)


def language_guess(text: str) -> str:
    """ "fr" or "en", by counting common words of each."""
    return "fr" if len(_FRENCH.findall(text)) > len(_ENGLISH.findall(text)) else "en"


@transaction.atomic
def route_feedback_record(
    *,
    user,
    task: str,
    prompt: str,
    mini_usage: UsageRecord | None,
    mini_text: str,
    strong_usage_id: int,
    strong_text: str,
) -> RouteFeedback:
    """Keep the pair for staff to judge; the original route's reason comes with it."""
    feedback = RouteFeedback(
        user=user,
        task=task,
        prompt=prompt,
        lang=language_guess(prompt),
        route_reason=mini_usage.route_reason if mini_usage else "",
        mini_usage=mini_usage,
        strong_usage_id=strong_usage_id,
        mini_text=mini_text,
        strong_text=strong_text,
    )
    feedback.full_clean(exclude=["mini_usage", "strong_usage", "user", "reviewed_by"])
    feedback.save()
    return feedback


@transaction.atomic
def route_feedback_judge(*, feedback: RouteFeedback, verdict: str, reviewer) -> RouteFeedback:
    """Staff's verdict: which reason needed gpt-4o, or that the small model was enough."""
    feedback.verdict = verdict
    feedback.reviewed_by = reviewer
    feedback.reviewed_at = timezone.now()
    feedback.full_clean(exclude=["mini_usage", "strong_usage", "user", "reviewed_by"])
    feedback.save(update_fields=["verdict", "reviewed_by", "reviewed_at"])
    return feedback


def route_feedback_corpus_rows(feedback: list[RouteFeedback]) -> list[dict]:
    """Judged feedback as rows in the corpus's format (pending rows are left out)."""
    return [
        {
            "task": item.task,
            "prompt": item.prompt,
            "needs": "mini" if item.verdict == RouteFeedback.Verdict.SIMPLE else "strong",
            "critical": item.verdict == RouteFeedback.Verdict.CRITICAL,
            "reason": item.verdict,
            "lang": item.lang,
            "topic": "feedback",
        }
        for item in feedback
        if item.verdict != RouteFeedback.Verdict.PENDING
    ]


def route_feedback_jsonl(feedback: list[RouteFeedback]) -> str:
    return "".join(
        json.dumps(row, ensure_ascii=False) + "\n" for row in route_feedback_corpus_rows(feedback)
    )
