"""The one entry point to the AI: the studio, the chat, the API, Celery jobs and `ai_bench`
all call `ai_generate` (or `ai_stream` for the chat).

auth (the caller) -> quota -> route -> prompt -> response cache -> provider (timeouts and
retries in the SDK, then fallback) -> ledger row -> result. A failed call leaves a ledger row
with the error and charges nothing.
"""

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.exceptions import UpgradeRequired
from apps.subscriptions.plans import plan_for_tier
from apps.users.models import Persona

from . import ledger
from .metrics import ai_usage_observe
from .models import UsageRecord
from .prompts import PROMPT_VERSION, PersonaText, build_messages
from .providers import Completion, ProviderError, get_provider
from .response_cache import (
    quota_count_remember,
    quota_release,
    quota_reserve,
    response_cache_entry,
    response_cache_key,
    response_cache_read,
    response_cache_valid,
    response_cache_write,
)
from .router import MINI, STRONG, RouteDecision, route
from .task_types import TASK_FAMILIES
from .tokens import prompt_tokens_of, tokens_of

MAX_PROMPT_CHARS = 4000
Clock = Callable[[], float]


@dataclass(frozen=True)
class GenerationResult:
    text: str
    task: str
    model: str
    deployment: str
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    latency_ms: float
    cost_usd: Decimal
    cache_hit: bool
    fallback: bool
    route: RouteDecision
    usage_id: int
    overhead_ms: float
    upgrade_note: str = ""


class QuotaExceeded(UpgradeRequired):
    """The plan's monthly AI requests are used up. Nothing was called or charged."""


class StrongModelNotInPlan(UpgradeRequired):
    """A redo on gpt-4o was asked on a plan without it. Nothing was called or charged."""


class GenerationFailed(Exception):
    """The provider could not answer, even after retries and fallback. Nothing was charged."""

    def __init__(self, message: str, usage_id: int):
        super().__init__(message)
        self.message = message
        self.usage_id = usage_id


@dataclass(frozen=True)
class _Prepared:
    task: str
    decision: RouteDecision
    messages: list[dict]
    upgrade_note: str


def persona_text_for(user) -> PersonaText:
    try:
        persona = user.persona
    except Persona.DoesNotExist:
        return PersonaText(name=user.name)
    return PersonaText(
        name=user.name,
        voice=persona.voice,
        tone=persona.tone,
        emojis=persona.emojis,
        words_to_avoid=tuple(persona.avoid_list),
        languages=tuple(persona.language_list) or ("en",),
    )


def ai_validate_request(task: str, prompt: str) -> str:
    """The cleaned prompt, or ValidationError naming the field at fault."""
    if task not in TASK_FAMILIES:
        raise ValidationError({"task": _("Unknown task type.")})
    prompt = (prompt or "").strip()
    if not prompt:
        raise ValidationError({"prompt": _("Write what you would like the AI to do.")})
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ValidationError(
            {"prompt": _("Keep the request under %(max)s characters.") % {"max": MAX_PROMPT_CHARS}}
        )
    return prompt


def _quota_exceeded(plan) -> QuotaExceeded:
    return QuotaExceeded(
        _(
            "You have used the %(count)s AI requests of your %(plan)s plan this month. "
            "Upgrade for more, or wait for next month."
        )
        % {"count": plan.ai_requests_month, "plan": plan.display_name},
        upgrade_url=reverse("pricing"),
    )


def quota_check(*, user, used: int | None = None) -> None:
    """Raise QuotaExceeded when the plan's monthly requests are used up. A check only: the
    request is counted by _quota_take just before the provider is called."""
    plan = plan_for_tier(user.tier)
    if used is None:
        used = ledger.usage_requests_this_month(user=user)
    if used >= plan.ai_requests_month:
        raise _quota_exceeded(plan)


def _quota_take(*, user, used_key: str) -> None:
    """Count this request against the plan now, atomically; QuotaExceeded if none is left."""
    plan = plan_for_tier(user.tier)
    taken = quota_reserve(
        used_key,
        count_from_ledger=lambda: ledger.usage_requests_this_month(user=user),
        limit=plan.ai_requests_month,
    )
    if not taken:
        raise _quota_exceeded(plan)


def strong_model_check(*, user) -> None:
    """Raise StrongModelNotInPlan unless the user's plan includes gpt-4o on demand."""
    if not plan_for_tier(user.tier).strong_model:
        raise StrongModelNotInPlan(
            _("Your plan does not include gpt-4o. Upgrade to redo drafts with it."),
            upgrade_url=reverse("pricing"),
        )


def _prepare(
    *, user, task: str, prompt: str, history: list[dict] | None, force_strong: bool = False
) -> _Prepared:
    prompt = ai_validate_request(task, prompt)
    plan = plan_for_tier(user.tier)
    decision = route(task=task, prompt=prompt, strong_allowed=plan.strong_model)
    if force_strong and decision.model_key != STRONG:
        strong_model_check(user=user)
        decision = dataclasses.replace(
            decision,
            model_key=STRONG,
            downgraded=False,
            reason=f"redo on gpt-4o asked by the creator (router: {decision.reason})",
        )
    messages = build_messages(
        task=task, prompt=prompt, persona=persona_text_for(user), history=history
    )
    note = ""
    if decision.downgraded:
        note = _(
            "Written with our fast model. This request is analysis or long form, which the Pro "
            "and Business plans send to gpt-4o for deeper reasoning and longer texts."
        )
    return _Prepared(task=task, decision=decision, messages=messages, upgrade_note=note)


def _completed_result(
    prepared: _Prepared,
    completion: Completion,
    record: UsageRecord,
    cost: Decimal,
    *,
    fallback: bool,
    started: float,
    provider_ms: float,
) -> GenerationResult:
    """The result of a provider call; overhead is the time not spent waiting for it."""
    return GenerationResult(
        text=completion.text,
        task=prepared.task,
        model=record.model,
        deployment=completion.deployment,
        prompt_tokens=completion.prompt_tokens,
        cached_tokens=completion.cached_tokens,
        completion_tokens=completion.completion_tokens,
        latency_ms=completion.latency_ms,
        cost_usd=cost,
        cache_hit=False,
        fallback=fallback,
        route=prepared.decision,
        usage_id=record.pk,
        overhead_ms=max((time.perf_counter() - started) * 1000 - provider_ms, 0.0),
        upgrade_note=prepared.upgrade_note,
    )


def _fallback_key(decision: RouteDecision) -> str | None:
    """The other deployment, where the rubric allows it: gpt-4o may stand in for mini, never
    the reverse, since gpt-4o was only chosen because the request needs it."""
    return STRONG if decision.model_key == MINI else None


def _record(*, user, task: str, decision: RouteDecision, **fields) -> UsageRecord:
    record = UsageRecord.objects.create(
        user=user,
        task=task,
        route_reason=decision.reason[:255],
        route_scores=decision.scores,
        prompt_version=PROMPT_VERSION,
        **fields,
    )
    ai_usage_observe(record)
    return record


def _record_completion(
    *, user, task: str, decision: RouteDecision, completion: Completion, fallback: bool
) -> tuple[UsageRecord, Decimal]:
    model = _model_of(completion)
    cost = Decimal("0")
    if completion.billable:
        cost = ledger.cost_usd(
            model=model,
            prompt_tokens=completion.prompt_tokens,
            cached_tokens=completion.cached_tokens,
            completion_tokens=completion.completion_tokens,
        )
    record = _record(
        user=user,
        task=task,
        decision=decision,
        deployment=completion.deployment,
        model=model,
        prompt_tokens=completion.prompt_tokens,
        cached_tokens=completion.cached_tokens,
        completion_tokens=completion.completion_tokens,
        latency_ms=round(completion.latency_ms),
        cost_usd=cost,
        fallback=fallback,
    )
    return record, cost


def _model_of(completion: Completion) -> str:
    """The model a deployment serves, from settings: providers may report a dated model
    name (gpt-4o-2024-08-06) that the price table does not list."""
    for config in settings.AI_MODELS.values():
        if config["deployment"] == completion.deployment:
            return config["model"]
    return completion.model


def _record_interrupted_stream(
    *, user, task: str, decision: RouteDecision, messages: list[dict], received: str, config: dict
) -> None:
    prompt_tokens = prompt_tokens_of(messages)
    completion_tokens = tokens_of(received)
    _record(
        user=user,
        task=task,
        decision=decision,
        deployment=config["deployment"],
        model=config["model"],
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=ledger.cost_usd(
            model=config["model"],
            prompt_tokens=prompt_tokens,
            cached_tokens=0,
            completion_tokens=completion_tokens,
        )
        if get_provider().name != "offline"
        else Decimal("0"),
        error="stream closed by the client; tokens estimated",
    )


def _record_failure(*, user, task: str, decision: RouteDecision, error: ProviderError) -> int:
    config = settings.AI_MODELS[decision.model_key]
    record = _record(
        user=user,
        task=task,
        decision=decision,
        deployment=config["deployment"],
        model=config["model"],
        status=UsageRecord.Status.ERROR,
        error=str(error)[:255],
    )
    return record.pk


def _call_provider(*, user, prepared: _Prepared):
    """The provider call with its fallback, and the ledger row of the outcome. Raises
    GenerationFailed (with an error row in the ledger) when no deployment answered."""
    decision = prepared.decision
    max_tokens = settings.AI_MAX_OUTPUT_TOKENS
    provider = get_provider()
    provider_ms = 0.0
    fallback = False
    attempts = [decision.model_key]
    if (other := _fallback_key(decision)) is not None:
        attempts.append(other)
    completion = None
    last_error: ProviderError | None = None
    for index, model_key in enumerate(attempts):
        target = settings.AI_MODELS[model_key]
        call_started = time.perf_counter()
        try:
            completion = provider.complete(
                deployment=target["deployment"],
                model=target["model"],
                messages=prepared.messages,
                max_tokens=max_tokens,
            )
        except ProviderError as exc:
            last_error = exc
            if not exc.retryable:
                break
            continue
        finally:
            provider_ms += (time.perf_counter() - call_started) * 1000
        fallback = index > 0
        break

    if completion is None:
        assert last_error is not None  # noqa: S101 - the loop ran at least once
        usage_id = _record_failure(
            user=user, task=prepared.task, decision=decision, error=last_error
        )
        raise GenerationFailed(
            _("%(error)s Nothing was charged; please try again in a moment.")
            % {"error": last_error},
            usage_id=usage_id,
        )

    record, cost = _record_completion(
        user=user, task=prepared.task, decision=decision, completion=completion, fallback=fallback
    )
    return completion, fallback, provider_ms, record, cost


def ai_generate(
    *,
    user,
    task: str,
    prompt: str,
    regenerate: bool = False,
    history: list[dict] | None = None,
    clock: Clock = time.time,
    force_strong: bool = False,
) -> GenerationResult:
    """Write one draft for `user`. Raises ValidationError for a bad request, QuotaExceeded
    before any call when the plan is used up, and GenerationFailed when the provider fails.

    `regenerate` skips the response cache (and refreshes it). `clock` is the time source of
    the response cache; the benchmark passes its simulated clock. `force_strong` sends the
    request to gpt-4o whatever the router says (the creator's "redo with the stronger model";
    StrongModelNotInPlan when the plan has no gpt-4o).
    """
    started = time.perf_counter()
    prepared = _prepare(
        user=user, task=task, prompt=prompt, history=history, force_strong=force_strong
    )
    decision = prepared.decision
    config = settings.AI_MODELS[decision.model_key]
    max_tokens = settings.AI_MAX_OUTPUT_TOKENS
    key = response_cache_key(
        user_id=user.pk,
        deployment=config["deployment"],
        messages=prepared.messages,
        params={"max_tokens": max_tokens},
    )
    # The cached answer and the month's charged requests come back in one round trip.
    used_key = ledger.quota_cache_key(user=user)
    found = response_cache_read([key, used_key])
    used = ledger.usage_requests_this_month(user=user, cached=found.get(used_key))
    if used_key not in found:
        quota_count_remember(used_key, used)
    quota_check(user=user, used=used)

    if not regenerate and (hit := response_cache_valid(found.get(key), now=clock())):
        record = _record(
            user=user,
            task=prepared.task,
            decision=decision,
            deployment=config["deployment"],
            model=hit["model"],
            cache_hit=True,
        )
        return GenerationResult(
            text=hit["text"],
            task=prepared.task,
            model=hit["model"],
            deployment=config["deployment"],
            prompt_tokens=0,
            cached_tokens=0,
            completion_tokens=0,
            latency_ms=0.0,
            cost_usd=Decimal("0"),
            cache_hit=True,
            fallback=False,
            route=decision,
            usage_id=record.pk,
            overhead_ms=(time.perf_counter() - started) * 1000,
            upgrade_note=prepared.upgrade_note,
        )

    _quota_take(user=user, used_key=used_key)
    try:
        completion, fallback, provider_ms, record, cost = _call_provider(
            user=user, prepared=prepared
        )
    except BaseException:
        quota_release(used_key)  # nothing was charged: the request is given back
        raise
    updates = {}
    # Placeholder drafts of the offline provider are never served again from the cache.
    if not fallback and completion.billable:
        updates[key] = response_cache_entry(now=clock(), text=completion.text, model=record.model)
    response_cache_write(updates)
    return _completed_result(
        prepared,
        completion,
        record,
        cost,
        fallback=fallback,
        started=started,
        provider_ms=provider_ms,
    )


@dataclass(frozen=True)
class ChatDelta:
    text: str


def ai_stream(
    *, user, prompt: str, history: list[dict] | None = None, task: str = "chatbot"
) -> Iterator[ChatDelta | GenerationResult]:
    """Stream an assistant answer: ChatDelta pieces, then the GenerationResult.

    Same quota, routing, prompt and ledger as ai_generate; the chat is never served from the
    response cache (a conversation is rarely repeated word for word). Raises like ai_generate.
    """
    started = time.perf_counter()
    prepared = _prepare(user=user, task=task, prompt=prompt, history=history)
    decision = prepared.decision
    config = settings.AI_MODELS[decision.model_key]
    provider_ms = 0.0
    completion = None
    # No response cache to look up first, so the atomic count is the only quota check.
    used_key = ledger.quota_cache_key(user=user)
    _quota_take(user=user, used_key=used_key)
    call_started = time.perf_counter()
    received: list[str] = []
    try:
        for event in get_provider().stream(
            deployment=config["deployment"],
            model=config["model"],
            messages=prepared.messages,
            max_tokens=settings.AI_MAX_OUTPUT_TOKENS,
        ):
            if event.completion is not None:
                completion = event.completion
            else:
                received.append(event.delta)
                yield ChatDelta(event.delta)
    except GeneratorExit:
        # The reader went away mid-answer (tab closed). The provider still produced the
        # tokens, so the request is recorded and counted, with tokens estimated by the byte
        # rule since the usage chunk never arrived.
        _record_interrupted_stream(
            user=user,
            task=prepared.task,
            decision=decision,
            messages=prepared.messages,
            received="".join(received),
            config=config,
        )
        raise
    except ProviderError as exc:
        quota_release(used_key)  # nothing was charged: the request is given back
        usage_id = _record_failure(user=user, task=prepared.task, decision=decision, error=exc)
        raise GenerationFailed(
            _("%(error)s Nothing was charged; please try again in a moment.") % {"error": exc},
            usage_id=usage_id,
        ) from exc
    except Exception:
        quota_release(used_key)  # a failure of ours: nothing is charged either, as in ai_generate
        raise
    finally:
        provider_ms = (time.perf_counter() - call_started) * 1000
    assert completion is not None  # noqa: S101 - providers always end with the completion
    record, cost = _record_completion(
        user=user, task=prepared.task, decision=decision, completion=completion, fallback=False
    )
    yield _completed_result(
        prepared, completion, record, cost, fallback=False, started=started, provider_ms=provider_ms
    )
