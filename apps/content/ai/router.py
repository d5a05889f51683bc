"""Pick gpt-4o-mini or gpt-4o for a request, following the rubric in docs/ai.md.

A request needs the strong model when any of these holds:
1. critical: money, law or safety is at stake;
2. analysis: it gives numbers or facts and asks for a reasoned plan, comparison, forecast or
   diagnosis with several constraints or steps;
3. long form: it asks for about 800 words or more.
Everything else (captions, hashtags, short posts, fan replies, bios, idea lists, simple
questions) is mini work. The task type is a prior, never the decision by itself.

The rules below describe kinds of language (dispute words, analysis verbs, quantities), not
sentences of any workload, so they carry over to prompts never seen before. They run in
microseconds: no model is loaded in the web process.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings

from . import task_types

MINI = "mini"
STRONG = "strong"


# 1. Critical: money disputes, law, platform rules, security and personal safety.
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

# 2. Analysis: asks for reasoning, comparison, forecast, diagnosis or a plan.
_ANALYSIS_VERBS = re.compile(
    r"""
    \b(
      analy[sz]\w* | compar\w* | model(l?ing)?\s+the | forecast\w* | project(ion|ed)?s? |
      predict\w* | estimat\w* | diagnos\w* | evaluat\w* | assess\w* | calculat\w* |
      explain\s+(why|what|how) | what\s+(might|could)\s+be\s+(happening|going\s+on|wrong) |
      why\s+(did|is|are|has|have)\b | reason(ing)?\s+(it\s+)?through | step[\s-]by[\s-]step |
      trade[\s-]?offs? | pros\s+and\s+cons | model\s+(it|this|that|my) |
      what\s+happens\s+(to|if) | recommend\w* | design\s+an?\s+(experiment|test) |
      a/b\s+test\w* | break\s+(it\s+)?down | optimi[sz]\w* | prioriti[sz]\w* | roadmap |
      (build|make|create|draft|design)\s+(me\s+)?an?\s+([\w-]+\s+){0,3}(plan|strategy) |
      should\s+i\s+(drop|keep|stop|switch|raise|lower|cut|increase|decrease|quit|move|change)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_METRICS = re.compile(
    r"\b(churn|arpu|ltv|ctr|roi|conversion|retention|revenue|subscribers?|signups?|"
    r"engagement|followers|open\s+rate|reach|impressions|ppv|tips|income|margin|cost)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(r"[$€£]\s?\d|\d[\d,.]*\s?(%|x\b|k\b)|\b\d[\d,.]*\b")
_CLAUSE = re.compile(r",|;|\band\b|\bbut\b|\bwhile\b|\bwithout\b|\bvs\.?\b|\bversus\b|\?")

# 3. Long form: explicit length, or a kind of document that is long by nature.
_WORD_COUNT = re.compile(r"\b(\d[\d,]*)\s*[- ]?\s*(words?|mots)\b", re.IGNORECASE)
_LONG_DOCS = re.compile(
    r"""
    \b(
      newsletters? | e-?books? | white\s?papers? | articles? | blog\s+posts? | essays? |
      long[\s-]?form | chapters? | (full|complete|ultimate|detailed|in[\s-]depth)\s+guides? |
      (full|whole|complete|entire)\s+(month|30[\s-]day|4[\s-]week) |
      (30|31|28|60|90)[\s-]days?\s+(content\s+)?(calendar|plan|schedule) |
      (month|monthly)('s)?\s+(content\s+)?calendar | every\s+day\s+(of|for)\s+(the|a)\s+month |
      ([3-9]|1[0-9])[\s-]weeks?\s+(content\s+)?(calendar|plan|schedule) |
      (video|youtube|podcast)\s+scripts?
    )\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ITEM_COUNT = re.compile(
    r"\b(\d+)\s+(\w+\s+){0,2}(ideas|posts|captions|tweets|hooks|replies|questions|days)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RouteDecision:
    """What the router chose and why. Stored with every ledger row."""

    model_key: str  # MINI or STRONG
    critical: bool
    analysis: bool
    long_form: bool
    analysis_score: float
    expected_words: int
    reason: str
    downgraded: bool = False  # the rubric wanted gpt-4o but the plan does not include it
    signals: list[str] = field(default_factory=list)


def _analysis_score(task: str, text: str) -> tuple[float, list[str]]:
    """Weighs the three ingredients of analysis work: facts, a reasoning ask, constraints."""
    signals = []
    quantities = len(_QUANTITY.findall(text))
    verbs = len(_ANALYSIS_VERBS.findall(text))
    metrics = len(_METRICS.findall(text))
    clauses = len(_CLAUSE.findall(text))
    words = len(text.split())
    facts = min(quantities, 4) * 0.5 + min(metrics, 3) * 0.5
    ask = min(verbs, 3) * 1.0
    score = 0.0
    if ask and (facts or words > 30):
        signals.append(f"reasoning ask x{verbs}")
        # A reasoning ask only counts as analysis when there is material to reason about.
        score = ask + facts + min(clauses, 4) * 0.25 + (0.5 if words > 30 else 0.0)
        if facts:
            signals.append(f"facts x{quantities + metrics}")
    if task == "strategy":
        score += 0.5
    return score, signals


def _expected_words(task: str, text: str) -> int:
    """How long the answer will be, from what the request asks for."""
    words = task_types.TYPICAL_WORDS.get(task, 150)
    asked = [int(match.group(1).replace(",", "")) for match in _WORD_COUNT.finditer(text)]
    if asked:
        # An explicit length wins over what the kind of document suggests.
        return max(asked)
    if _LONG_DOCS.search(text):
        words = max(words, 1200)
    for match in _ITEM_COUNT.finditer(text):
        count = int(match.group(1))
        per_item = 40 if match.group(3).lower() == "days" else 20
        words = max(words, count * per_item)
    return words


def route(*, task: str, prompt: str, strong_allowed: bool) -> RouteDecision:
    """Decide the model for one request.

    `strong_allowed` says whether the user's plan includes gpt-4o for analysis and long form.
    Critical work goes to gpt-4o whatever the plan.
    """
    thresholds = settings.AI_ROUTER
    text = " ".join(prompt.split())
    critical_match = _CRITICAL.search(text)
    critical = task == "compliance" or critical_match is not None
    score, signals = _analysis_score(task, text)
    analysis = score >= thresholds["analysis_score"]
    expected = _expected_words(task, text)
    long_form = expected >= thresholds["long_output_words"]

    reasons = []
    if critical:
        reasons.append(
            f"critical ({critical_match.group(0).lower()})" if critical_match else "critical (task)"
        )
    if analysis:
        reasons.append(f"analysis (score {score:.1f})")
    if long_form:
        reasons.append(f"long form (~{expected} words)")

    wants_strong = critical or analysis or long_form
    downgraded = False
    if critical:
        model_key = STRONG
    elif wants_strong and not strong_allowed:
        model_key, downgraded = MINI, True
        reasons.append("plan without gpt-4o")
    else:
        model_key = STRONG if wants_strong else MINI
    if not reasons:
        reasons.append("short everyday task")
    return RouteDecision(
        model_key=model_key,
        critical=critical,
        analysis=analysis,
        long_form=long_form,
        analysis_score=round(score, 2),
        expected_words=expected,
        reason="; ".join(reasons),
        downgraded=downgraded,
        signals=signals,
    )
