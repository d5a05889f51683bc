import pytest

from apps.content.ai.testing.azure_server import AzureSimulator


@pytest.fixture
def azure(settings):
    """The Azure simulator, with settings pointing the real openai SDK at it."""
    with AzureSimulator(api_key="test-key") as sim:
        settings.AI_PROVIDER = "azure"
        settings.AZURE_OPENAI_ENDPOINT = sim.endpoint
        settings.AZURE_OPENAI_API_KEY = "test-key"
        settings.AI_MAX_RETRIES = 2
        settings.AI_TIMEOUT_SECONDS = 5
        yield sim
