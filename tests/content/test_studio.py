"""The studio and the assistant chat through their pages, with the Azure simulator."""

import json
import re

import pytest

from apps.content.ai.models import ChatMessage, Conversation, UsageRecord
from apps.content.ai.testing.azure_server import Scripted
from apps.content.library.services import content_item_create
from apps.content.models import ContentItem, GenerationJob
from apps.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def creator_client(client, user):
    client.force_login(user)
    return client


def test_studio_page_offers_every_task(creator_client):
    response = creator_client.get("/studio/")
    assert response.status_code == 200
    html = response.content.decode()
    for task in ("caption", "dm_reply", "strategy", "longform", "compliance"):
        assert f'value="{task}"' in html
    assert 'hx-post="/studio/"' in html
    assert "Caption — A caption for a photo or video" in html
    french = creator_client.get("/studio/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Légende — Une légende pour une photo ou une vidéo" in french


def test_fans_have_no_studio(client):
    client.force_login(UserFactory(role=User.Role.FAN, handle=None))
    assert client.get("/studio/")["Location"] == "/settings/profile/"


def test_a_request_becomes_a_draft_with_its_figures(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    azure.script(Scripted(text="Salt in my hair, sun on my skin ☀️"))
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(
            "/studio/", {"task": "caption", "prompt": "Caption for my beach shoot"}
        )
    assert response.status_code == 302
    job = GenerationJob.objects.get(user=user)
    assert response["Location"] == f"/studio/jobs/{job.pk}/"
    assert job.state == "done" and job.item.body == "Salt in my hair, sun on my skin ☀️"
    assert job.item.status == "draft" and job.item.kind == "caption"

    page = creator_client.get(response["Location"]).content.decode()
    assert "Salt in my hair" in page
    assert "gpt-4o-mini" in page and "Why this model" in page and "fresh" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    # Titled from what it says, not from the request; counted against Instagram's limit;
    # the figures folded into one "details" line.
    assert job.item.title == "Salt in my hair, sun on my skin ☀️"
    assert "2,200 fit in an Instagram caption" in page
    assert '<details class="draft-details">' in page
    assert "a short everyday task, so the fast model" in page
    french = creator_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "short everyday task" not in french


def test_a_finished_job_refreshes_the_recent_drafts_with_links(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    azure.script(Scripted(text="Night swim, city lights."))
    assert "Your drafts will appear here" in creator_client.get("/studio/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(
            "/studio/", {"task": "caption", "prompt": "Night swim"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    job = GenerationJob.objects.get(user=user)
    # The studio polls the job; the answer that shows it finished brings the list along.
    html = creator_client.get(f"/studio/jobs/{job.pk}/", headers={"HX-Request": "true"}).content
    html = html.decode()
    item = job.item
    assert 'id="recent-drafts" hx-swap-oob="true"' in html
    assert f'href="/content/{item.pk}/"' in html and "Night swim, city lights." in html


def test_a_chat_answer_is_saved_to_the_library_by_its_owner_only(creator_client, user):
    from apps.content.models import ContentItem, Conversation

    conversation = Conversation.objects.create(user=user, title="Ideas")
    question = ChatMessage.objects.create(
        conversation=conversation, role="user", content="Three post ideas?"
    )
    answer = ChatMessage.objects.create(
        conversation=conversation, role="assistant", content="1. A poll\n2. A teaser"
    )
    page = creator_client.get(f"/studio/chat/{conversation.pk}/").content.decode()
    assert f'action="/studio/chat/answers/{answer.pk}/save/"' in page
    assert f"/studio/chat/answers/{question.pk}/save/" not in page
    assert creator_client.post(f"/studio/chat/answers/{question.pk}/save/").status_code == 404
    other = UserFactory(handle="other")
    creator_client.force_login(other)
    assert creator_client.post(f"/studio/chat/answers/{answer.pk}/save/").status_code == 404
    creator_client.force_login(user)
    response = creator_client.post(f"/studio/chat/answers/{answer.pk}/save/")
    item = ContentItem.objects.get(user=user)
    assert response["Location"] == f"/content/{item.pk}/"
    assert (item.kind, item.status, item.title) == ("chatbot", "draft", "1. A poll")
    assert item.body == "1. A poll\n2. A teaser"


def test_htmx_gets_the_job_fragment_and_polls_until_done(creator_client, user):
    job = GenerationJob.objects.create(user=user, task="caption", prompt="Queued one")
    response = creator_client.get(f"/studio/jobs/{job.pk}/", headers={"hx-request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert f'hx-get="/studio/jobs/{job.pk}/"' in html and "Queued" in html
    full = creator_client.get(f"/studio/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in full  # progress without JavaScript too


def test_the_draft_is_edited_and_saved(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post("/studio/", {"task": "post", "prompt": "Promo for my new set"})
    item = ContentItem.objects.get(user=user)
    response = creator_client.post(
        f"/studio/drafts/{item.pk}/", {"title": "Promo", "body": "Edited text"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.body) == ("Promo", "Edited text")
    response = creator_client.post(f"/studio/drafts/{item.pk}/", {"title": "Promo", "body": "  "})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.body == "Edited text"


def test_regenerate_skips_the_cache(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post("/studio/", {"task": "caption", "prompt": "Caption for spa day"})
    job = GenerationJob.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(f"/studio/jobs/{job.pk}/regenerate/")
    new_job = GenerationJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/studio/jobs/{new_job.pk}/"
    assert new_job.regenerate and new_job.state == "done"
    assert len(azure.requests) == 2
    assert not UsageRecord.objects.filter(cache_hit=True).exists()


def test_a_provider_failure_shows_a_clear_error_and_charges_nothing(
    azure, creator_client, user, settings, django_capture_on_commit_callbacks
):
    settings.AI_MAX_RETRIES = 0
    azure.script(Scripted(status=500), Scripted(status=500))
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post("/studio/", {"task": "caption", "prompt": "Caption now"})
    job = GenerationJob.objects.get(user=user)
    assert job.state == "failed" and "Nothing was charged" in job.error
    page = creator_client.get(response["Location"]).content.decode()
    assert "We could not write this draft." in page and "Try again" in page
    assert not ContentItem.objects.exists()
    assert not UsageRecord.objects.filter(status="ok").exists()


def test_a_throttling_provider_costs_no_quota_and_the_last_request_still_works(
    azure, creator_client, user, settings, django_capture_on_commit_callbacks
):
    # A Free creator with one request left meets a provider that throttles every deployment.
    settings.AI_MAX_RETRIES = 0
    for _number in range(49):
        UsageRecord.objects.create(user=user, task="caption", prompt_version="v", model="m")
    azure.script(Scripted(status=429, retry_after="0"), Scripted(status=429, retry_after="0"))
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post("/studio/", {"task": "caption", "prompt": "Caption one"})
    job = GenerationJob.objects.get(user=user)
    assert job.state == "failed" and "Nothing was charged" in job.error
    assert [r["status"] for r in azure.requests] == [429] * len(azure.requests)
    assert {r["deployment"] for r in azure.requests} == {"gpt-4o-mini", "gpt-4o"}  # fell back
    page = creator_client.get(response["Location"]).content.decode()
    assert "We could not write this draft." in page
    # The provider is back: the last request of the month is still there.
    azure.script(Scripted(output_tokens=10))
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post("/studio/", {"task": "caption", "prompt": "Caption two"})
    second = GenerationJob.objects.exclude(pk=job.pk).get()
    assert second.state == "done", second.error


def test_bad_requests_show_errors_next_to_the_field(creator_client):
    response = creator_client.post("/studio/", {"task": "caption", "prompt": ""})
    assert response.status_code == 400
    assert 'id="id_prompt_error"' in response.content.decode()
    response = creator_client.post("/studio/", {"task": "poem", "prompt": "hi"})
    assert response.status_code == 400
    assert 'id="id_task_error"' in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_the_quota_message_offers_the_upgrade(creator_client, user):
    for _n in range(50):
        UsageRecord.objects.create(user=user, task="caption", prompt_version="v")
    response = creator_client.post("/studio/", {"task": "caption", "prompt": "One more"})
    assert response.status_code == 402
    assert "Upgrade for more" in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_nobody_sees_another_creators_jobs_or_drafts(creator_client):
    other = UserFactory()
    job = GenerationJob.objects.create(user=other, task="caption", prompt="Theirs")
    item = ContentItem.objects.create(user=other, body="Their draft")
    assert creator_client.get(f"/studio/jobs/{job.pk}/").status_code == 404
    assert creator_client.post(f"/studio/jobs/{job.pk}/regenerate/").status_code == 404
    assert creator_client.post(f"/studio/drafts/{item.pk}/", {"body": "mine"}).status_code == 404
    assert creator_client.post(f"/studio/drafts/{item.pk}/delete/").status_code == 404
    item.refresh_from_db()
    assert item.body == "Their draft"


def test_chat_without_javascript_answers_in_the_request(azure, creator_client, user):
    azure.script(Scripted(text="Evenings, 7 to 9pm."))
    response = creator_client.post("/studio/chat/", {"content": "When do my fans read?"})
    conversation = Conversation.objects.get(user=user)
    assert response["Location"] == f"/studio/chat/{conversation.pk}/"
    page = creator_client.get(response["Location"]).content.decode()
    assert "When do my fans read?" in page and "Evenings, 7 to 9pm." in page
    assert conversation.title == "When do my fans read?"


def _sse_events(response) -> list[tuple[str, object]]:
    body = b"".join(response.streaming_content).decode()
    return [
        (match.group(1), json.loads(match.group(2)))
        for match in re.finditer(r"event: (\w+)\ndata: (.*)\n\n", body)
    ]


def test_chat_streams_the_answer_with_server_sent_events(azure, creator_client, user):
    azure.script(Scripted(text="Start with a poll, then a teaser."))
    response = creator_client.post(
        "/studio/chat/",
        {"content": "How do I warm up fans?"},
        headers={"x-requested-with": "fetch"},
    )
    assert response.status_code == 201
    data = response.json()
    stream = creator_client.get(data["stream_url"])
    assert stream["Content-Type"] == "text/event-stream"
    events = _sse_events(stream)
    assert events[-1][0] == "done"
    assert (
        "".join(text for name, text in events if name == "delta")
        == "Start with a poll, then a teaser."
    )
    answer = ChatMessage.objects.get(role="assistant")
    assert events[-1] == ("done", {"save_url": f"/studio/chat/answers/{answer.pk}/save/"})
    assert answer.content == "Start with a poll, then a teaser." and answer.usage.status == "ok"
    # The history goes with the next question.
    creator_client.post(
        data["conversation_url"],
        {"content": "And after that?"},
        headers={"x-requested-with": "fetch"},
    )
    list(creator_client.get(data["stream_url"]).streaming_content)
    sent = azure.requests[-1]["body"]["messages"]
    assert [m["content"] for m in sent[-3:]] == [
        "How do I warm up fans?",
        "Start with a poll, then a teaser.",
        "And after that?",
    ]


def test_a_failed_stream_says_why_and_the_question_can_be_answered_later(
    azure, creator_client, user, settings
):
    settings.AI_MAX_RETRIES = 0
    azure.script(Scripted(status=500))
    data = creator_client.post(
        "/studio/chat/", {"content": "Is this allowed?"}, headers={"x-requested-with": "fetch"}
    ).json()
    events = _sse_events(creator_client.get(data["stream_url"]))
    assert events[-1][0] == "error" and "Nothing was charged" in events[-1][1]
    page = creator_client.get(data["conversation_url"]).content.decode()
    assert "has no answer yet" in page
    response = creator_client.post(data["conversation_url"], {"action": "answer"})
    assert response.status_code == 302
    assert ChatMessage.objects.filter(role="assistant").count() == 1


def test_nobody_reads_another_creators_conversation(creator_client):
    other = Conversation.objects.create(user=UserFactory(), title="Private")
    assert creator_client.get(f"/studio/chat/{other.pk}/").status_code == 404
    assert creator_client.get(f"/studio/chat/{other.pk}/stream/").status_code == 404
    assert creator_client.post(f"/studio/chat/{other.pk}/", {"content": "hi"}).status_code == 404


def test_chat_makes_the_same_queries_for_one_conversation_or_many(
    azure, creator_client, user, queries_of
):
    first = creator_client.post("/studio/chat/", {"content": "Best time to post on Reddit?"})
    url = first["Location"]
    _response, one = queries_of(lambda: creator_client.get(url))
    for number in range(6):
        creator_client.post(url, {"content": f"And question {number}?"})
        creator_client.post("/studio/chat/", {"content": f"New topic {number}"})
    response, many = queries_of(lambda: creator_client.get(url))
    assert response.status_code == 200 and "question 5" in response.content.decode()
    assert Conversation.objects.filter(user=user).count() == 7
    assert one == many <= 10, (one, many)


def test_an_empty_answer_fails_the_job_with_a_message(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    azure.script(Scripted(text="   "))
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post("/studio/", {"task": "caption", "prompt": "A caption for Friday"})
    job = GenerationJob.objects.get(user=user)
    assert job.state == GenerationJob.State.FAILED and "empty draft" in job.error
    assert not ContentItem.objects.filter(user=user).exists()


# Redo with the stronger model -------------------------------------------------------------


def _draft(creator_client, azure, text, prompt, django_capture_on_commit_callbacks):
    azure.script(Scripted(text=text))
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post("/studio/", {"task": "caption", "prompt": prompt})
    return response["Location"]


def test_a_small_model_draft_is_redone_on_gpt4o_and_kept_for_review(
    azure, creator_client, user, staff_user, client, django_capture_on_commit_callbacks
):
    from apps.content.models import RouteFeedback

    User.objects.filter(pk=user.pk).update(tier="pro")
    job_url = _draft(
        creator_client, azure, "Short and sweet", "Caption for my gym selfie",
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    page = creator_client.get(job_url).content.decode()
    assert "Redo with the stronger model" in page
    first = UsageRecord.objects.get(user=user)
    assert first.model == "gpt-4o-mini"
    assert first.route_scores["model"] and 0 <= first.route_scores["critical"] <= 1

    azure.script(Scripted(text="A richer caption from the big model"))
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(job_url + "redo-strong/")
    redo = GenerationJob.objects.exclude(pk=job_url.split("/")[-2]).get(user=user)
    assert response["Location"] == f"/studio/jobs/{redo.pk}/"
    assert redo.state == "done" and redo.item.usage.model == "gpt-4o"
    assert "asked by the creator" in redo.item.usage.route_reason
    assert azure.requests[-1]["deployment"] == "gpt-4o"
    assert (
        "Redo with the stronger model"
        not in creator_client.get(response["Location"]).content.decode()
    )
    assert UsageRecord.objects.filter(user=user, status="ok").count() == 2  # both charged

    feedback = RouteFeedback.objects.get(user=user)
    assert feedback.mini_text == "Short and sweet"
    assert feedback.strong_text == "A richer caption from the big model"
    assert feedback.verdict == "pending" and feedback.lang == "en"

    # Staff judge it in the admin and export it as a corpus row.
    client.force_login(staff_user)
    base = "/admin/content/routefeedback/"
    assert client.get(base).status_code == 200
    client.post(base, {"action": "judge_simple", "_selected_action": [feedback.pk]})
    feedback.refresh_from_db()
    assert feedback.verdict == "simple" and feedback.reviewed_by == staff_user
    export = client.post(base, {"action": "export_corpus_rows", "_selected_action": [feedback.pk]})
    assert export["Content-Type"] == "application/x-ndjson"
    row = json.loads(export.content.decode().strip())
    assert row == {
        "task": "caption",
        "prompt": "Caption for my gym selfie",
        "needs": "mini",
        "critical": False,
        "reason": "simple",
        "lang": "en",
        "topic": "feedback",
    }


def test_redo_needs_a_plan_with_gpt4o_and_a_small_model_draft(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    job_url = _draft(
        creator_client, azure, "Free plan draft", "Caption for my beach day",
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    response = creator_client.post(job_url + "redo-strong/", follow=True)
    assert "does not include gpt-4o" in response.content.decode()
    assert GenerationJob.objects.filter(user=user).count() == 1
    assert UsageRecord.objects.filter(user=user).count() == 1  # nothing charged

    other = UserFactory()
    stranger = creator_client.post(
        f"/studio/jobs/{GenerationJob.objects.create(user=other, task='caption', prompt='x').pk}"
        "/redo-strong/"
    )
    assert stranger.status_code == 404


def test_up_to_three_drafts_to_choose_from_then_keep_one(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    azure.script(
        Scripted(text="Golden hour, golden mood."),
        Scripted(text="Sun-kissed and ready for Friday."),
        Scripted(text="Salt, sand and a new set soon."),
    )
    page = creator_client.get("/studio/").content.decode()
    assert "Drafts to choose from" in page and "Each draft counts as one AI request." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(
            "/studio/", {"task": "caption", "prompt": "Beach caption", "variants": "3"}
        )
    job = GenerationJob.objects.get(user=user)
    assert job.state == "done" and job.variants == 3
    drafts = list(ContentItem.objects.filter(generation_job=job).order_by("pk"))
    assert [d.body for d in drafts] == [
        "Golden hour, golden mood.",
        "Sun-kissed and ready for Friday.",
        "Salt, sand and a new set soon.",
    ]
    assert len(azure.requests) == 3  # three AI requests, none from the response cache
    assert UsageRecord.objects.filter(user=user, status="ok").count() == 3
    html = creator_client.get(response["Location"]).content.decode()
    assert "Pick your draft: 3 to choose from" in html
    for draft in drafts:
        assert f"/studio/jobs/{job.pk}/keep/{draft.pk}/" in html

    # Someone else's draft cannot be kept through this job, nor this job by someone else.
    other = content_item_create(user=user, kind="caption", title="Mine", body="Not a variant")
    assert creator_client.post(f"/studio/jobs/{job.pk}/keep/{other.pk}/").status_code == 404
    stranger = UserFactory(handle="stranger")
    creator_client.force_login(stranger)
    assert creator_client.post(f"/studio/jobs/{job.pk}/keep/{drafts[1].pk}/").status_code == 404
    creator_client.force_login(user)

    response = creator_client.post(f"/studio/jobs/{job.pk}/keep/{drafts[1].pk}/")
    assert response["Location"] == f"/studio/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.item == drafts[1]
    assert list(ContentItem.objects.filter(generation_job=job)) == [drafts[1]]
    html = creator_client.get(response["Location"]).content.decode()
    assert "Pick your draft" not in html and "Sun-kissed and ready for Friday." in html


def test_variants_stop_at_the_quota_and_keep_what_was_written(
    azure, creator_client, user, django_capture_on_commit_callbacks
):
    for _number in range(48):
        UsageRecord.objects.create(user=user, task="caption", prompt_version="v", model="m")
    azure.script(Scripted(text="One."), Scripted(text="Two."), Scripted(text="Three."))
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post(
            "/studio/", {"task": "caption", "prompt": "Caption please", "variants": "3"}
        )
    job = GenerationJob.objects.get(user=user)
    assert job.state == "done"
    drafts = ContentItem.objects.filter(generation_job=job).order_by("pk")
    assert [d.body for d in drafts] == ["One.", "Two."]
    assert UsageRecord.objects.filter(user=user).count() == 50  # never over the plan
