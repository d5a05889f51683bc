"""Azure OpenAI (`openai.AzureOpenAI`) or any OpenAI-compatible server (`openai.OpenAI`).

The SDK does the retrying: exponential backoff with jitter, honouring `Retry-After` on 429
and 5xx, up to AI_MAX_RETRIES. What still fails is raised as ProviderError for the service
to fall back or report.
"""

import time
from collections.abc import Iterator

import openai
from django.conf import settings

from .base import Completion, ProviderError, StreamEvent


class OpenAIProvider:
    def __init__(self, client: openai.OpenAI, name: str):
        self.client = client
        self.name = name

    @classmethod
    def from_settings(cls) -> "OpenAIProvider":
        common = {"timeout": settings.AI_TIMEOUT_SECONDS, "max_retries": settings.AI_MAX_RETRIES}
        if settings.AI_PROVIDER == "azure":
            client = openai.AzureOpenAI(
                azure_endpoint=settings.AZURE_OPENAI_ENDPOINT,
                api_key=settings.AZURE_OPENAI_API_KEY,
                api_version=settings.AZURE_OPENAI_API_VERSION,
                **common,
            )
            return cls(client, "azure")
        client = openai.OpenAI(
            base_url=settings.OPENAI_BASE_URL or None, api_key=settings.OPENAI_API_KEY, **common
        )
        return cls(client, "openai")

    def _error(self, exc: Exception) -> ProviderError:
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError("The AI provider did not answer in time.", retryable=True)
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError("The AI provider could not be reached.", retryable=True)
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            retryable = status == 429 or status >= 500
            message = (
                "The AI provider is busy (rate limited)."
                if status == 429
                else f"The AI provider answered with an error ({status})."
            )
            return ProviderError(message, retryable=retryable, status=status)
        if isinstance(exc, openai.APIResponseValidationError | ValueError | KeyError | TypeError):
            return ProviderError(
                "The AI provider sent an answer we could not read.", retryable=True
            )
        return ProviderError(f"The AI provider failed: {exc.__class__.__name__}", retryable=True)

    @staticmethod
    def _usage(usage) -> tuple[int, int, int]:
        if usage is None:
            raise ValueError("the provider sent no usage")
        details = getattr(usage, "prompt_tokens_details", None)
        cached = (getattr(details, "cached_tokens", 0) or 0) if details else 0
        return usage.prompt_tokens, cached, usage.completion_tokens

    def complete(
        self, *, deployment: str, model: str, messages: list[dict], max_tokens: int
    ) -> Completion:
        started = time.perf_counter()
        try:
            response = self.client.chat.completions.create(
                model=deployment, messages=messages, max_tokens=max_tokens
            )
            text = response.choices[0].message.content or ""
            prompt_tokens, cached, completion_tokens = self._usage(response.usage)
        except (openai.OpenAIError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise self._error(exc) from exc
        return Completion(
            text=text,
            model=getattr(response, "model", None) or model,
            deployment=deployment,
            prompt_tokens=prompt_tokens,
            cached_tokens=cached,
            completion_tokens=completion_tokens,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def stream(
        self, *, deployment: str, model: str, messages: list[dict], max_tokens: int
    ) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        parts: list[str] = []
        usage = None
        response_model = model
        try:
            stream = self.client.chat.completions.create(
                model=deployment,
                messages=messages,
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
            for chunk in stream:
                response_model = chunk.model or response_model
                if chunk.usage is not None:
                    usage = chunk.usage  # the final chunk: no choices, only usage
                for choice in chunk.choices:
                    delta = choice.delta.content or ""
                    if delta:
                        parts.append(delta)
                        yield StreamEvent(delta=delta)
            prompt_tokens, cached, completion_tokens = self._usage(usage)
        except (openai.OpenAIError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise self._error(exc) from exc
        yield StreamEvent(
            completion=Completion(
                text="".join(parts),
                model=response_model,
                deployment=deployment,
                prompt_tokens=prompt_tokens,
                cached_tokens=cached,
                completion_tokens=completion_tokens,
                latency_ms=(time.perf_counter() - started) * 1000,
            )
        )
