"""The AI service layer through the real openai SDK against the local Azure simulator."""

import json
import math
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.content.ai import prompts
from apps.content.ai.ledger import cost_usd, usage_by_day
from apps.content.ai.models import UsageRecord
from apps.content.ai.service import GenerationFailed, QuotaExceeded, ai_generate, ai_stream
from apps.content.ai.testing.azure_server import Scripted
from apps.users.services import persona_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def tokens(text: str) -> int:
    return math.ceil(len(text.encode()) / 4)


@pytest.fixture
def pro_user(db):
    return UserFactory(tier="pro")


def test_a_caption_goes_to_mini_and_is_accounted_for(azure, pro_user):
    azure.script(Scripted(output_tokens=30))
    result = ai_generate(user=pro_user, task="caption", prompt="A flirty caption for my beach pics")
    assert result.model == "gpt-4o-mini" and result.deployment == "gpt-4o-mini"
    assert result.completion_tokens == 30 and result.prompt_tokens > 1024
    request = azure.requests[-1]
    assert request["deployment"] == "gpt-4o-mini"
    assert request["body"]["messages"][0]["content"] == prompts.system_prefix("caption")

    row = UsageRecord.objects.get(pk=result.usage_id)
    assert (row.user, row.task, row.model, row.status) == (pro_user, "caption", "gpt-4o-mini", "ok")
    assert row.prompt_tokens == result.prompt_tokens and row.completion_tokens == 30
    assert (
        row.cost_usd
        == result.cost_usd
        == cost_usd(
            model="gpt-4o-mini",
            prompt_tokens=row.prompt_tokens,
            cached_tokens=row.cached_tokens,
            completion_tokens=30,
        )
    )
    assert row.route_reason == "short everyday task"
    assert row.prompt_version == prompts.PROMPT_VERSION


def test_prompt_caching_is_reported_from_the_provider_usage(azure, pro_user):
    ai_generate(user=pro_user, task="caption", prompt="Caption for gym selfie")
    second = ai_generate(user=pro_user, task="hashtags", prompt="Hashtags for gym selfie")
    # Same shared prefix on the same deployment: at least the first 1,024 tokens are cached.
    assert second.cached_tokens >= 1024
    assert (second.cached_tokens - 1024) % 128 == 0
    row = UsageRecord.objects.get(pk=second.usage_id)
    assert row.cached_tokens == second.cached_tokens
    assert row.cost_usd < cost_usd(
        model="gpt-4o-mini",
        prompt_tokens=row.prompt_tokens,
        cached_tokens=0,
        completion_tokens=row.completion_tokens,
    )


def test_analysis_goes_to_gpt4o_on_a_plan_that_has_it(azure, pro_user):
    prompt = (
        "I have 2,000 subscribers at $12 with 15% monthly churn. Compare a price rise with a "
        "loyalty discount over 6 months and recommend one."
    )
    result = ai_generate(user=pro_user, task="strategy", prompt=prompt)
    assert result.model == "gpt-4o" and azure.requests[-1]["deployment"] == "gpt-4o"
    assert "analysis" in UsageRecord.objects.get(pk=result.usage_id).route_reason


def test_a_free_plan_gets_mini_and_an_upgrade_note_for_analysis(azure, user):
    result = ai_generate(user=user, task="longform", prompt="Write a 1500-word newsletter")
    assert result.model == "gpt-4o-mini"
    assert "Pro and Business plans" in result.upgrade_note


def test_critical_work_uses_gpt4o_even_on_the_free_plan(azure, user):
    result = ai_generate(user=user, task="chatbot", prompt="A fan is threatening to leak my pics")
    assert result.model == "gpt-4o"
    assert result.upgrade_note == ""


def test_the_persona_follows_the_static_prefix(azure, pro_user):
    persona_update(user=pro_user, voice="Dry humour", words_to_avoid="babe, hun", languages="fr,en")
    ai_generate(user=pro_user, task="dm_reply", prompt="Reply to 'good morning'")
    messages = azure.requests[-1]["body"]["messages"]
    assert messages[0]["content"] == prompts.system_prefix("dm_reply")
    assert "Dry humour" in messages[1]["content"] and "babe, hun" in messages[1]["content"]
    assert messages[1]["content"].index("fr") < messages[1]["content"].index("en")
    assert messages[-1] == {"role": "user", "content": "Reply to 'good morning'"}


def test_every_family_prefix_is_static_and_long_enough_to_cache():
    for task in ("caption", "dm_reply", "strategy", "longform"):
        prefix = prompts.system_prefix(task)
        assert tokens(prefix) >= 1024
        assert prefix == prompts.system_prefix(task)
        assert prefix.startswith(prompts.SHARED_PREFIX)
    assert tokens(prompts.SHARED_PREFIX) >= 1024  # warm whatever the task mix


def test_the_response_cache_answers_repeats_for_free(azure, pro_user):
    first = ai_generate(user=pro_user, task="caption", prompt="Caption for my new tattoo")
    second = ai_generate(user=pro_user, task="caption", prompt="Caption for my new tattoo")
    assert second.cache_hit and second.text == first.text
    assert second.cost_usd == Decimal("0")
    assert len(azure.requests) == 1
    hit_row = UsageRecord.objects.get(pk=second.usage_id)
    assert hit_row.cache_hit and hit_row.cost_usd == 0


def test_regenerate_bypasses_the_response_cache(azure, pro_user):
    ai_generate(user=pro_user, task="caption", prompt="Caption for my new tattoo")
    again = ai_generate(
        user=pro_user, task="caption", prompt="Caption for my new tattoo", regenerate=True
    )
    assert not again.cache_hit
    assert len(azure.requests) == 2


def test_the_response_cache_is_scoped_per_creator(azure, pro_user):
    other = UserFactory(tier="pro")
    ai_generate(user=pro_user, task="caption", prompt="Caption for my new tattoo")
    theirs = ai_generate(user=other, task="caption", prompt="Caption for my new tattoo")
    assert not theirs.cache_hit


def test_a_new_prompt_version_changes_the_cache_key(azure, pro_user, monkeypatch):
    ai_generate(user=pro_user, task="caption", prompt="Caption for my new tattoo")
    monkeypatch.setattr("apps.content.ai.response_cache.PROMPT_VERSION", "next")
    assert not ai_generate(
        user=pro_user, task="caption", prompt="Caption for my new tattoo"
    ).cache_hit


def test_the_response_cache_expires_on_the_service_clock(azure, pro_user, settings):
    settings.AI_RESPONSE_CACHE_TTL = 60
    ai_generate(user=pro_user, task="caption", prompt="Caption", clock=lambda: 1000.0)
    assert ai_generate(
        user=pro_user, task="caption", prompt="Caption", clock=lambda: 1059.0
    ).cache_hit
    assert not ai_generate(
        user=pro_user, task="caption", prompt="Caption", clock=lambda: 1061.0
    ).cache_hit


def test_429_with_retry_after_is_retried_by_the_sdk(azure, pro_user):
    azure.script(Scripted(status=429, retry_after="1"), Scripted(output_tokens=12))
    started = time.monotonic()
    result = ai_generate(user=pro_user, task="caption", prompt="Caption after a rate limit")
    assert time.monotonic() - started >= 0.9  # waited as the header asked
    assert result.completion_tokens == 12 and not result.fallback
    assert [r["status"] for r in azure.requests] == [429, 200]


def test_server_errors_fall_back_from_mini_to_gpt4o(azure, pro_user, settings):
    settings.AI_MAX_RETRIES = 1
    azure.script(Scripted(status=500), Scripted(status=500), Scripted(output_tokens=9))
    result = ai_generate(user=pro_user, task="caption", prompt="Caption during an outage")
    assert result.fallback and result.model == "gpt-4o"
    assert [r["deployment"] for r in azure.requests] == ["gpt-4o-mini", "gpt-4o-mini", "gpt-4o"]
    assert UsageRecord.objects.get(pk=result.usage_id).fallback


def test_gpt4o_work_never_falls_back_to_mini_and_charges_nothing(azure, pro_user, settings):
    settings.AI_MAX_RETRIES = 0
    azure.script(Scripted(status=503))
    with pytest.raises(GenerationFailed) as excinfo:
        ai_generate(user=pro_user, task="chatbot", prompt="Someone hacked my account")
    assert "Nothing was charged" in excinfo.value.message
    assert [r["deployment"] for r in azure.requests] == ["gpt-4o"]
    row = UsageRecord.objects.get(pk=excinfo.value.usage_id)
    assert row.status == "error" and row.cost_usd == 0 and "503" in row.error
    assert not UsageRecord.objects.filter(status="ok").exists()


def test_a_timeout_is_a_clear_failure(azure, pro_user, settings):
    settings.AI_MAX_RETRIES = 0
    settings.AI_TIMEOUT_SECONDS = 0.5
    azure.script(Scripted(delay=1.5), Scripted(delay=1.5))
    with pytest.raises(GenerationFailed) as excinfo:
        ai_generate(user=pro_user, task="caption", prompt="Caption that takes too long")
    assert "did not answer in time" in excinfo.value.message


def test_a_malformed_body_is_a_clear_failure(azure, pro_user, settings):
    settings.AI_MAX_RETRIES = 0
    azure.script(Scripted(malformed=True), Scripted(malformed=True))
    with pytest.raises(GenerationFailed) as excinfo:
        ai_generate(user=pro_user, task="caption", prompt="Caption with a broken answer")
    assert "could not read" in excinfo.value.message or "error" in excinfo.value.message


def test_a_wrong_key_is_not_retried_elsewhere(azure, pro_user, settings):
    settings.AZURE_OPENAI_API_KEY = "wrong"
    with pytest.raises(GenerationFailed) as excinfo:
        ai_generate(user=pro_user, task="caption", prompt="Caption")
    assert "(401)" in excinfo.value.message
    assert len(azure.requests) == 0  # refused at the door, before any deployment ran


def test_the_quota_stops_before_the_call_and_failures_are_not_charged(azure, user, settings):
    free = 50
    for _number in range(free - 1):
        UsageRecord.objects.create(
            user=user, task="caption", prompt_version="v", model="gpt-4o-mini"
        )
    UsageRecord.objects.create(user=user, task="caption", prompt_version="v", status="error")
    UsageRecord.objects.create(user=user, task="caption", prompt_version="v", cache_hit=True)
    ai_generate(user=user, task="caption", prompt="The last one of the month")
    calls = len(azure.requests)
    with pytest.raises(QuotaExceeded) as excinfo:
        ai_generate(user=user, task="caption", prompt="One too many")
    assert "50 AI requests of your Free plan" in excinfo.value.message
    assert excinfo.value.upgrade_url == "/pricing/"
    assert len(azure.requests) == calls


@pytest.mark.parametrize(
    ("task", "prompt", "field"),
    [("caption", "   ", "prompt"), ("poem", "Write", "task"), ("caption", "x" * 4001, "prompt")],
)
def test_bad_requests_are_refused_before_anything_happens(azure, user, task, prompt, field):
    with pytest.raises(ValidationError) as excinfo:
        ai_generate(user=user, task=task, prompt=prompt)
    assert field in excinfo.value.message_dict
    assert not azure.requests and not UsageRecord.objects.exists()


def test_the_chat_streams_and_takes_usage_from_the_final_chunk(azure, pro_user):
    azure.script(Scripted(text="Post at 8pm on weekdays and test Sundays."))
    events = list(ai_stream(user=pro_user, prompt="When should I post?"))
    pieces = [event.text for event in events[:-1]]
    result = events[-1]
    assert len(pieces) > 3 and "".join(pieces) == "Post at 8pm on weekdays and test Sundays."
    body = azure.requests[-1]["body"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert result.completion_tokens == tokens("Post at 8pm on weekdays and test Sundays.")
    row = UsageRecord.objects.get(pk=result.usage_id)
    assert row.completion_tokens == result.completion_tokens and row.cost_usd > 0


def test_the_ledger_groups_by_day_and_model(azure, pro_user):
    ai_generate(user=pro_user, task="caption", prompt="One")
    ai_generate(user=pro_user, task="chatbot", prompt="My account was hacked, help")
    rows = list(usage_by_day(user=pro_user, since=__import__("datetime").date.today()))
    assert {row["model"] for row in rows} == {"gpt-4o-mini", "gpt-4o"}
    assert all(row["requests"] == 1 for row in rows)


def test_the_offline_provider_writes_marked_drafts(user, settings):
    settings.AI_PROVIDER = "offline"
    result = ai_generate(user=user, task="caption", prompt="Caption for the beach")
    assert result.text.startswith("[Offline draft")
    assert result.cost_usd == 0 and UsageRecord.objects.get(pk=result.usage_id).cost_usd == 0
    assert json.dumps(result.text)  # plain text


def test_staff_read_the_ledger_in_the_admin(azure, pro_user, client, staff_user):
    ai_generate(user=pro_user, task="caption", prompt="Caption for the admin")
    client.force_login(staff_user)
    response = client.get("/admin/content/usagerecord/", {"model": "gpt-4o-mini"})
    assert response.status_code == 200
    assert pro_user.email in response.content.decode()
    assert client.get("/admin/content/usagerecord/add/").status_code == 403


def test_any_openai_compatible_server_works_too(pro_user, settings):
    from apps.content.ai.testing.azure_server import AzureSimulator

    with AzureSimulator(api_key="compat-key") as sim:
        settings.AI_PROVIDER = "openai"
        settings.OPENAI_BASE_URL = sim.endpoint + "/v1"
        settings.OPENAI_API_KEY = "compat-key"
        sim.script(Scripted(text="Compatible!"))
        result = ai_generate(
            user=pro_user, task="caption", prompt="Caption via a compatible server"
        )
    assert result.text == "Compatible!"
    assert sim.requests[-1]["body"]["model"] == "gpt-4o-mini"  # the model name travels in the body
