"""`ai_bench` end to end on a small workload written for the test, and the simulator's
accounting rules of docs/ai.md."""

import json

import pytest
from django.core.management import CommandError, call_command

from apps.content.ai.models import UsageRecord
from apps.content.ai.testing.azure_server import cached_tokens_for, prompt_tokens_of, tokens_of
from apps.users.models import User

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    {
        "t": 0,
        "user": "a",
        "task": "caption",
        "prompt": "Caption for my beach day",
        "output_tokens": 40,
        "needs": "mini",
        "critical": False,
    },
    {
        "t": 10,
        "user": "b",
        "task": "chatbot",
        "prompt": "Someone stole my photos and reposted them",
        "output_tokens": 300,
        "needs": "strong",
        "critical": True,
    },
    {
        "t": 20,
        "user": "a",
        "task": "caption",
        "prompt": "Caption for my beach day",
        "output_tokens": 40,
        "needs": "mini",
        "critical": False,
    },
    {
        "t": 30,
        "user": "c",
        "task": "longform",
        "prompt": "Write a 1200-word newsletter about my summer",
        "output_tokens": 1600,
        "needs": "strong",
        "critical": False,
    },
    {
        "t": 400,
        "user": "b",
        "task": "hashtags",
        "prompt": "10 hashtags for a yoga reel",
        "output_tokens": 30,
        "needs": "mini",
        "critical": False,
    },
]


@pytest.fixture
def workload(tmp_path):
    path = tmp_path / "workload.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, **row}) for i, row in enumerate(ROWS)))
    return path


def _run(workload, *flags) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("ai_bench", str(workload), "--json", *flags, stdout=out)
    return json.loads(out.getvalue())


def test_the_bench_reports_routing_cost_and_caching(workload):
    report = _run(workload)
    assert report["requests"] == 5
    assert report["strong_recall"] == 1.0 and report["critical_recall"] == 1.0
    assert report["strong_share"] == 0.4
    assert report["response_cache_hit_ratio"] == 0.2  # user a repeats a prompt
    assert 0 < report["cost_usd"] < report["baseline_usd"]
    assert report["cost_ratio"] == round(report["cost_usd"] / report["baseline_usd"], 4)
    # Four rows reach the simulator (row 3 is a response-cache hit). Only the longform row
    # finds its deployment warm: the first call on each deployment is cold, and the last
    # mini call comes 400 s after the previous one, past the 5-minute window.
    assert report["prompt_cache_hit_ratio"] == 0.25
    assert report["overhead_p95_ms"] > 0
    # The workload users and their ledger rows are gone afterwards.
    assert not User.objects.filter(email__endswith="@bench.invalid").exists()
    assert not UsageRecord.objects.exists()


def test_without_the_response_cache_every_row_reaches_the_provider(workload):
    report = _run(workload, "--no-response-cache")
    assert report["response_cache_hit_ratio"] == 0.0
    assert report["completion_tokens"] == sum(row["output_tokens"] for row in ROWS)


def test_a_bad_workload_is_refused_clearly(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "t": 0}\n')
    with pytest.raises(CommandError, match="lacks"):
        call_command("ai_bench", str(path))
    with pytest.raises(CommandError, match="No workload"):
        call_command("ai_bench", str(tmp_path / "missing.jsonl"))


def test_the_simulator_counts_tokens_and_rounds_caching_as_designed():
    assert tokens_of("abcd") == 1 and tokens_of("abcde") == 2 and tokens_of("é") == 1
    assert prompt_tokens_of([{"role": "user", "content": "abcd"}]) == 5  # +4 per message
    assert cached_tokens_for(prefix_bytes=4 * 1023, prompt_tokens=2000) == 0
    assert cached_tokens_for(prefix_bytes=4 * 1100, prompt_tokens=2000) == 1024
    assert cached_tokens_for(prefix_bytes=4 * 1300, prompt_tokens=2000) == 1280
    assert cached_tokens_for(prefix_bytes=4 * 1300, prompt_tokens=1000) == 0


def test_oracle_routing_prices_perfect_routing_from_the_labels(workload):
    routed = _run(workload)
    floor = _run(workload, "--oracle-routing")
    assert floor["strong_recall"] == floor["critical_recall"] == 1.0
    assert floor["strong_share"] == floor["true_strong_share"] == 0.4
    assert floor["baseline_usd"] == routed["baseline_usd"]
    # The router routes this small workload perfectly too, so both cost the same.
    assert floor["cost_usd"] == routed["cost_usd"]
