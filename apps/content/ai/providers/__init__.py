"""Provider clients behind one small interface, chosen once from settings."""

from django.conf import settings

from .base import Completion, Provider, ProviderError, StreamEvent

__all__ = ["Completion", "Provider", "ProviderError", "StreamEvent", "get_provider"]

_provider: Provider | None = None
_provider_key: tuple | None = None


def get_provider() -> Provider:
    """The configured provider, built once per process (and rebuilt if settings change)."""
    global _provider, _provider_key
    key = (
        settings.AI_PROVIDER,
        settings.AZURE_OPENAI_ENDPOINT,
        settings.OPENAI_BASE_URL,
        settings.AI_TIMEOUT_SECONDS,
        settings.AI_MAX_RETRIES,
    )
    if _provider is None or key != _provider_key:
        if settings.AI_PROVIDER == "offline":
            from .offline import OfflineProvider

            _provider = OfflineProvider()
        elif settings.AI_PROVIDER in ("azure", "openai"):
            from .openai_client import OpenAIProvider

            _provider = OpenAIProvider.from_settings()
        else:
            raise ValueError(f"Unknown AI_PROVIDER {settings.AI_PROVIDER!r}")
        _provider_key = key
    return _provider
