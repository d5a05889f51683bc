"""The learned router, on requests written for this test: none comes from the corpus it
learned from or from the benchmark workload (a test below checks that)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.content.ai import router_model
from apps.content.ai.router import MINI, STRONG, route

ROOT = Path(__file__).resolve().parents[2]

EVERYDAY = [
    ("caption", "Write a cheeky caption for my new bikini pics, two emojis max"),
    ("hashtags", "Give me 20 hashtags for my fitness reels"),
    ("dm_reply", "Reply to a fan who said 'you made my day' — sweet and short"),
    ("chatbot", "What's a good time to go live on TikTok?"),
    ("post", "Write a tweet announcing 30% off everything this weekend"),
    ("ideas", "Brainstorm 10 reel ideas for Valentine's day"),
    ("bio", "Rewrite my bio to say I'm 25, love hiking and post daily"),
    ("caption", "légende courte et drôle pour ma photo au marché de Noël"),
    ("dm_reply", "un abonné me dit que mon dernier live l'a fait rire, réponds gentiment"),
    ("post", "Announce my new merch drop on Instagram with a link in bio"),
    ("hashtags", "hashtags pour une vidéo de cuisine vegan sur TikTok"),
    ("chatbot", "Any tips for better lighting in my bedroom videos?"),
]

CRITICAL = [
    ("chatbot", "A subscriber watched everything then got his bank to pull the money back"),
    ("dm_reply", "this guy says he'll send my pics to my mum unless I pay him 200"),
    ("chatbot", "I got a text with a code to log in to my account but I wasn't logging in"),
    ("caption", "someone put my whole paid set on a free site, what do I write to get it down"),
    ("chatbot", "un mec a posté mon vrai nom et ma ville sous mes vidéos"),
    ("dm_reply", "un fan m'écrit qu'il a 15 ans et veut s'abonner, je lui réponds quoi"),
    ("chatbot", "Do I have to declare what I earn from fan subscriptions?"),
    ("post", "Write the rules for my Instagram giveaway of a signed print"),
]

ANALYSIS = [
    (
        "strategy",
        "I make $4,000 a month from 800 subscribers. If I raise the price from $10 to $15 and "
        "lose 20% of them, what happens to revenue? Model it.",
    ),
    (
        "chatbot",
        "TikTok brings 60% of my reach but 10% of sales, Instagram the opposite. Where should "
        "my time go next quarter, and why?",
    ),
]

LONG_FORM = [
    ("longform", "Write a 1,500-word guide for new fans about what my page offers"),
    ("ideas", "Build me a full 30-day calendar with a post for every single day"),
    ("longform", "rédige ma newsletter mensuelle complète pour mes abonnés"),
]


def _route(task, prompt, strong_allowed=True):
    return route(task=task, prompt=prompt, strong_allowed=strong_allowed)


def test_everyday_work_mostly_goes_to_the_small_model():
    decisions = [_route(task, prompt) for task, prompt in EVERYDAY]
    on_mini = sum(decision.model_key == MINI for decision in decisions)
    assert on_mini >= len(EVERYDAY) - 1, [d.reason for d in decisions]


@pytest.mark.parametrize(("task", "prompt"), CRITICAL)
def test_critical_work_told_in_everyday_words_goes_to_gpt4o(task, prompt):
    decision = _route(task, prompt, strong_allowed=False)
    assert decision.model_key == STRONG, decision.reason
    assert decision.critical or decision.uncertain


@pytest.mark.parametrize(("task", "prompt"), ANALYSIS)
def test_numbers_with_a_reasoning_ask_are_analysis(task, prompt):
    decision = _route(task, prompt)
    assert decision.model_key == STRONG and decision.analysis, decision.reason


@pytest.mark.parametrize(("task", "prompt"), LONG_FORM)
def test_long_outputs_are_long_form(task, prompt):
    decision = _route(task, prompt)
    assert decision.model_key == STRONG and decision.long_form, decision.reason


def test_a_plan_without_gpt4o_gets_the_small_model_and_a_note():
    decision = _route("longform", "Write a 1500-word newsletter about my trip", False)
    assert decision.model_key == MINI and decision.downgraded
    assert "plan without gpt-4o" in decision.reason


def test_the_vocabulary_floor_and_the_compliance_task_stay_critical():
    # Whatever the classifier thinks, the first router's safety words and the compliance
    # task still make a request critical.
    decision = _route("caption", "cute caption, also is this a copyright problem", False)
    assert decision.critical and decision.scores["floor"] == "'copyright'"
    assert "critical ('copyright')" in decision.reason
    decision = _route("compliance", "Check my caption please", False)
    assert decision.model_key == STRONG and decision.scores["floor"] == "task"


def test_an_unsure_critical_classifier_sends_the_request_to_gpt4o(monkeypatch):
    model = router_model.router_model()
    limits = model.thresholds
    unsure = (limits.critical_uncertain + limits.critical) / 2
    monkeypatch.setattr(
        model, "scores", lambda **kw: router_model.Scores(unsure, 0.0, 0.0), raising=False
    )
    decision = _route("caption", "a caption for my sunset pic", False)
    assert decision.model_key == STRONG and decision.uncertain and not decision.critical
    assert "to be safe" in decision.reason


def test_each_decision_carries_its_probabilities_and_model_version():
    decision = _route("chatbot", "someone keeps making new accounts after I block him")
    assert set(decision.scores) == {"critical", "analysis", "long_form", "floor", "model"}
    assert 0 <= decision.scores["critical"] <= 1
    assert decision.scores["model"] == router_model.router_model().version


def test_the_model_is_loaded_once_per_process():
    router_model.router_model.cache_clear()
    for _n in range(5):
        _route("caption", "sunset caption")
    info = router_model.router_model.cache_info()
    assert info.misses == 1 and info.hits >= 4


# The corpus and the weights ------------------------------------------------------------


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_corpus_is_big_varied_labelled_and_apart_from_the_benchmarks():
    from apps.content.ai.router_training import corpus_files, corpus_read

    rows = corpus_read(corpus_files())  # raises on any inconsistent label
    assert len(rows) >= 4000
    french = sum(row["lang"] == "fr" for row in rows) / len(rows)
    assert french >= 0.25
    for reason in ("critical", "analysis", "longform", "simple"):
        assert sum(row["reason"] == reason for row in rows) >= 300, reason
    prompts = {" ".join(row["prompt"].lower().split()) for row in rows}
    for bench in ("ai_workload.jsonl", "router_heldout.jsonl", "router_heldout_personas.jsonl"):
        others = {
            " ".join(r["prompt"].lower().split()) for r in _jsonl(ROOT / "benchmarks" / bench)
        }
        assert not prompts & others, bench
    for task, prompt in EVERYDAY + CRITICAL + ANALYSIS + LONG_FORM:
        assert " ".join(prompt.lower().split()) not in prompts, (task, prompt)


def test_training_is_deterministic_and_the_committed_weights_match_the_corpus(tmp_path, capsys):
    # The committed file came from an earlier run: equal bytes show both that training is
    # deterministic and that the weights are those of the corpus as it is now.
    fresh = tmp_path / "model.json.gz"
    call_command("ai_router_train", output=fresh)
    report = capsys.readouterr().out
    assert fresh.read_bytes() == router_model.MODEL_PATH.read_bytes(), (
        "the committed weights are stale: run python manage.py ai_router_train"
    )
    assert "5-fold cross-validation" in report and "gpt-4o" in report


def test_eval_prints_precision_recall_and_share_per_language(tmp_path, capsys):
    sample = tmp_path / "sample.jsonl"
    rows = [
        {"task": t, "prompt": p, "needs": "mini", "critical": False, "reason": "simple",
         "lang": "fr" if "é" in p or " un " in p else "en"}
        for t, p in EVERYDAY
    ] + [
        {"task": t, "prompt": p, "needs": "strong", "critical": True, "reason": "critical",
         "lang": "en"}
        for t, p in CRITICAL
    ]  # fmt: skip
    sample.write_text("".join(json.dumps(row) + "\n" for row in rows))
    call_command("ai_router_eval", str(sample), no_cv=True)
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out and "share" in out
    lines = [line.split() for line in out.splitlines()]
    critical_all = next(line for line in lines if line[:2] == ["all", "critical"])
    assert critical_all[3] == "1.000"  # recall: every critical request went to gpt-4o
    assert any(line[:2] == ["fr", "critical"] for line in lines)
