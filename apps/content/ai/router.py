"""Pick gpt-4o-mini or gpt-4o for a request, following the rubric in docs/ai.md.

A request needs the strong model when any of these holds:
1. critical: money, law or safety is at stake;
2. analysis: it gives numbers or facts and asks for a reasoned plan, comparison, forecast or
   diagnosis with several constraints or steps;
3. long form: it asks for about 800 words or more.
Everything else (captions, hashtags, short posts, fan replies, bios, idea lists, simple
questions) is mini work.

Each reason has a classifier learned from the labelled corpus in `router_data/`
(`router_model.py`, rebuilt by `ai_router_train`). Critical is never weaker than the rules
it replaced: a request is critical when its classifier says so, when the compliance task was
picked, or when the safety vocabulary below matches. A request the critical classifier is
unsure about (between the cross-validated threshold and 0.5) goes to gpt-4o as well.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings

from . import task_types
from .router_model import RouterModel, router_model

MINI = "mini"
STRONG = "strong"

# The floor for critical: the vocabulary of money disputes, law, platform rules, security and
# personal safety that the first router used. Kept so that the learned model can only add
# critical requests, never lose one these words caught.
_CRITICAL = re.compile(
    r"""
    \b(
      refund\w* | charge[\s-]?backs? | disputes? | disputed | fraud\w* | scam\w* |
      stole | stolen | steal\w* | reposted | re-?uploaded |
      (didn'?t|did\s+not|never|won'?t|refuse[sd]?\s+to)\s+pay | unpaid | owes?\s+me |
      payment\s+(issue|problem|fail\w*|declined|reversed) | money\s+back |
      legal\w* | illegal\w* | laws? | lawyers? | attorneys? | sue[sd]? | suing | lawsuits? |
      court | contracts? | liabilit\w* | cease\s+and\s+desist | dmca | copyright\w* |
      trademark\w* | licen[cs]\w* | intellectual\s+property | consent\w* | release\s+forms? |
      model\s+releases? |
      gdpr | data\s+protection | privacy\s+(law|rights|polic\w*) | age\s+verif\w* |
      under[\s-]?age | minors? | tax(es|ed|ing)? | vat | irs | hmrc | accountant |
      terms\s+of\s+(service|use) | tos | community\s+guidelines | guidelines |
      polic(y|ies) | violat\w* | compliant | compliance | banned | ban\s+me | suspended |
      giveaways? | contests? | sweepstakes? | raffles? | lotter(y|ies) |
      hack\w* | phishing | password\w* | 2fa | two[\s-]factor | locked\s+out | impersonat\w* |
      leak\w* | pirat\w* | reposted\s+my | stalk\w* | threat\w* | harass\w* | blackmail\w* |
      extort\w* | sextort\w* | doxx?\w* | home\s+address | found\s+my\s+address |
      unsafe | self[\s-]harm | suicid\w* | abus\w* | report\s+me | police |
      fake\s+(accounts?|profiles?) | pretend\w*\s+to\s+be\s+me | unless\s+i |
      expos\w*\s+me | (share|post|send|leak)\w*\s+my\s+(nudes|photos|pics|videos|content) |
      without\s+(my|her|his|their)\s+(permission|consent|approval) | permission |
      royalt\w* | (song|music)\s+rights | my\s+ex | show\w*\s+up\s+at |
      follow\w*\s+me\s+(home|around|everywhere) | won'?t\s+leave\s+me\s+alone |
      (report|declar\w*)\s+(my\s+)?income
    )\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

# An explicit length ("a 1,500-word guide") is long form whatever the classifier says.
_WORD_COUNT = re.compile(r"\b(\d[\d,]*)\s*[- ]?\s*(words?|mots)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RouteDecision:
    """What the router chose and why. Stored with every ledger row."""

    model_key: str  # MINI or STRONG
    critical: bool
    analysis: bool
    long_form: bool
    expected_words: int
    reason: str
    downgraded: bool = False  # the rubric wanted gpt-4o but the plan does not include it
    uncertain: bool = False  # the critical classifier was unsure, so gpt-4o to be safe
    scores: dict = field(default_factory=dict)  # probabilities and what else decided


def _expected_words(task: str, text: str) -> int:
    """The length asked for in words, else what the task usually takes."""
    asked = [int(match.group(1).replace(",", "")) for match in _WORD_COUNT.finditer(text)]
    return max(asked) if asked else task_types.TYPICAL_WORDS.get(task, 150)


def critical_floor(*, task: str, text: str) -> str | None:
    """What makes a request critical before any classifier: the compliance task or a word
    of the safety vocabulary (named in the reason), else None."""
    if task == task_types.TaskType.COMPLIANCE:
        return "task"
    match = _CRITICAL.search(text)
    return f"'{match.group(0).lower()}'" if match else None


def route(
    *, task: str, prompt: str, strong_allowed: bool, model: RouterModel | None = None
) -> RouteDecision:
    """Decide the model for one request.

    `strong_allowed` says whether the user's plan includes gpt-4o for analysis and long form;
    critical work goes to gpt-4o whatever the plan. `model` replaces the trained model
    (cross-validation passes each fold's).
    """
    model = model or router_model()
    limits = model.thresholds
    text = " ".join(prompt.split())
    scores = model.scores(task=task, prompt=text)
    floor = critical_floor(task=task, text=text)
    critical = floor is not None or scores.critical >= limits.critical
    uncertain = not critical and scores.critical >= limits.critical_uncertain
    analysis = scores.analysis >= limits.analysis
    expected = _expected_words(task, text)
    long_form = scores.long_form >= limits.long_form or (
        expected >= settings.AI_ROUTER["long_output_words"]
    )

    reasons = []
    if critical:
        reasons.append(f"critical ({floor})" if floor else f"critical (p={scores.critical:.2f})")
    elif uncertain:
        reasons.append(f"maybe critical (p={scores.critical:.2f}), so gpt-4o to be safe")
    if analysis:
        reasons.append(f"analysis (p={scores.analysis:.2f})")
    if long_form:
        reasons.append(f"long form (p={scores.long_form:.2f}, ~{expected} words)")

    downgraded = False
    if critical or uncertain:
        model_key = STRONG
    elif analysis or long_form:
        model_key = STRONG if strong_allowed else MINI
        downgraded = not strong_allowed
        if downgraded:
            reasons.append("plan without gpt-4o")
    else:
        model_key = MINI
        reasons.append("short everyday task")
    return RouteDecision(
        model_key=model_key,
        critical=critical,
        analysis=analysis,
        long_form=long_form,
        expected_words=expected,
        reason="; ".join(reasons),
        downgraded=downgraded,
        uncertain=uncertain,
        scores={**scores.as_dict(), "floor": floor, "model": model.version},
    )
