"""The router on requests written for this test (none come from the benchmark workload):
each rubric rule, in words the public workload does not use."""

import pytest

from apps.content.ai.router import MINI, STRONG, route

MINI_WORK = [
    ("caption", "Write a cheeky caption for my new bikini pics, two emojis max"),
    ("hashtags", "Give me 20 hashtags for my fitness reels"),
    ("dm_reply", "Reply to a fan who said 'you made my day' — sweet and short"),
    ("chatbot", "What's a good time to go live on TikTok?"),
    ("chatbot", "Should I post more reels or more stories?"),
    ("post", "Write a tweet announcing 30% off everything this weekend"),
    ("ideas", "Brainstorm 10 reel ideas for Valentine's day"),
    ("bio", "Rewrite my bio to say I'm 25, love hiking and post daily"),
    ("longform", "Write a 300-word blog post intro about my morning routine"),
    ("caption", "Compare these two captions and pick the better one: 'sun's out' vs 'golden hour'"),
    ("chatbot", "Any tips for better lighting in my bedroom videos?"),
    ("post", "Announce my new merch drop on Instagram with a link in bio"),
]

STRONG_WORK = [
    # critical: money, law, safety
    ("chatbot", "A subscriber filed a chargeback after watching everything. What now?", "critical"),
    ("chatbot", "Someone made fake accounts pretending to be me and sells my pics", "critical"),
    ("dm_reply", "A fan says he'll share my photos everywhere unless I send more", "critical"),
    ("chatbot", "Do I need a signed model release before shooting with my friend?", "critical"),
    ("chatbot", "How do I declare my income from fan subscriptions?", "critical"),
    ("post", "Write the rules for my Instagram giveaway of a signed print", "critical"),
    ("chatbot", "My ex keeps showing up at my gym and messaging my fans", "critical"),
    (
        "caption",
        "Caption for my sponsored post: is it OK without a paid-partnership tag under the "
        "platform policy?",
        "critical",
    ),
    # analysis: numbers plus a reasoned plan, comparison, forecast or diagnosis
    (
        "chatbot",
        "My open rate fell from 40% to 22% after I switched email tools. Diagnose the likely "
        "causes and give me a recovery plan.",
        "analysis",
    ),
    (
        "strategy",
        "I make $4,000 a month from 800 subscribers. If I raise the price from $10 to $15 and "
        "lose 20% of them, what happens to revenue? Model it.",
        "analysis",
    ),
    (
        "chatbot",
        "TikTok gives me 60% of my reach but only 10% of sales, Instagram the opposite. Which "
        "should I prioritise for the next quarter, and why?",
        "analysis",
    ),
    # long form
    ("longform", "Write a 1,000-word story for my fans about my first photoshoot", "long"),
    ("post", "Plan my posts for the whole month, one caption for every day", "long"),
    ("ideas", "Build me a 4-week content calendar with a theme per week and daily posts", "long"),
    ("chatbot", "Write my monthly newsletter for subscribers", "long"),
]


@pytest.mark.parametrize(("task", "prompt"), MINI_WORK)
def test_everyday_work_goes_to_the_small_model(settings, task, prompt):
    decision = route(task=task, prompt=prompt, strong_allowed=True)
    assert decision.model_key == MINI, decision.reason


@pytest.mark.parametrize(("task", "prompt", "rule"), STRONG_WORK)
def test_work_that_needs_it_goes_to_the_strong_model(settings, task, prompt, rule):
    decision = route(task=task, prompt=prompt, strong_allowed=True)
    assert decision.model_key == STRONG, decision.reason
    assert {
        "critical": decision.critical,
        "analysis": decision.analysis,
        "long": decision.long_form,
    }[rule]


def test_a_plan_without_gpt4o_gets_the_small_model_and_a_note(settings):
    decision = route(
        task="longform", prompt="Write a 1500-word newsletter about my trip", strong_allowed=False
    )
    assert decision.model_key == MINI
    assert decision.downgraded
    assert "plan without gpt-4o" in decision.reason


def test_critical_work_goes_to_gpt4o_whatever_the_plan(settings):
    decision = route(
        task="chatbot", prompt="Someone leaked my content on a forum", strong_allowed=False
    )
    assert decision.model_key == STRONG and decision.critical and not decision.downgraded


def test_the_compliance_task_is_always_critical(settings):
    decision = route(task="compliance", prompt="Check my caption please", strong_allowed=False)
    assert decision.model_key == STRONG
    assert decision.reason.startswith("critical (task)")


def test_thresholds_come_from_settings(settings):
    prompt = "Write a 600-word post about my trip"
    assert route(task="post", prompt=prompt, strong_allowed=True).model_key == MINI
    settings.AI_ROUTER = {**settings.AI_ROUTER, "long_output_words": 500}
    assert route(task="post", prompt=prompt, strong_allowed=True).model_key == STRONG
