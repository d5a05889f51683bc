"""Money under concurrency (issue "Privacy and security"): with one AI request left, many
requests at once give exactly one answer and one charge, on the real PostgreSQL and Redis;
a failed call gives its request back; reading a chat stream twice answers once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from apps.content.ai.models import ChatMessage, UsageRecord
from apps.content.ai.service import GenerationFailed, QuotaExceeded, ai_generate
from apps.content.ai.testing.azure_server import Scripted
from apps.content.models import ContentItem
from apps.content.studio.services import chat_message_add, conversation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FREE_LIMIT = 50


def _used_up_but_one(user) -> None:
    UsageRecord.objects.bulk_create(
        UsageRecord(user=user, task="caption", model="gpt-4o-mini", prompt_version="t")
        for _n in range(FREE_LIMIT - 1)
    )


def _in_parallel(count: int, work) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def run(number: int) -> None:
        barrier.wait()
        try:
            results.append(work(number))
        except Exception as exc:  # noqa: BLE001 - the test sorts outcomes by type
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_twenty_requests_with_one_left_give_one_answer(azure):
    assert connection.vendor == "postgresql"
    user = UserFactory()
    _used_up_but_one(user)
    azure.script(*[Scripted(delay=0.2) for _n in range(20)])

    results = _in_parallel(
        20,
        lambda n: ai_generate(user=user, task="caption", prompt=f"Caption number {n}"),
    )
    answers = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert len(answers) == 1 and len(refused) == 19, results
    charged = UsageRecord.objects.filter(user=user, status="ok", cache_hit=False).count()
    assert charged == FREE_LIMIT
    assert len(azure.requests) == 1  # nothing else reached the provider


def test_a_failed_call_gives_the_request_back(azure):
    user = UserFactory()
    _used_up_but_one(user)
    azure.script(Scripted(status=500), Scripted(status=500), Scripted(status=500))
    azure.script(*[Scripted(status=500) for _n in range(6)])
    with pytest.raises(GenerationFailed):
        ai_generate(user=user, task="caption", prompt="This one fails")
    azure.reset()
    result = ai_generate(user=user, task="caption", prompt="This one works")
    assert result.text
    with pytest.raises(QuotaExceeded):
        ai_generate(user=user, task="caption", prompt="And now the plan is used up")


def test_reading_a_chat_stream_five_times_at_once_answers_once(azure):
    user = UserFactory()
    conversation = conversation_create(user=user)
    chat_message_add(conversation=conversation, content="How do I warm up new fans?")
    azure.script(*[Scripted(delay=0.3, text="Start with a poll.") for _n in range(5)])
    url = f"/studio/chat/{conversation.pk}/stream/"

    def read(_n: int) -> str:
        client = Client()
        client.force_login(user)
        return b"".join(client.get(url).streaming_content).decode()

    bodies = _in_parallel(5, read)
    assert all(isinstance(body, str) for body in bodies), bodies
    assert sum("event: delta" in body for body in bodies) == 1
    assert ChatMessage.objects.filter(conversation=conversation, role="assistant").count() == 1
    assert UsageRecord.objects.filter(user=user).count() == 1
    assert len(azure.requests) == 1


def test_four_posts_with_one_title_published_at_once_get_four_addresses():
    from apps.content.library.services import content_item_create

    creator = UserFactory(handle="luna")
    items = [
        content_item_create(user=creator, kind="post", title="Beach day", body=f"Text {n}")
        for n in range(4)
    ]

    def publish(number: int) -> int:
        client = Client(raise_request_exception=False)
        client.force_login(creator)
        return client.post(
            f"/content/{items[number].pk}/action/", {"action": "publish"}
        ).status_code

    statuses = _in_parallel(4, publish)
    assert statuses == [302] * 4, statuses
    slugs = sorted(ContentItem.objects.filter(user=creator).values_list("slug", flat=True))
    assert slugs == ["beach-day", "beach-day-2", "beach-day-3", "beach-day-4"]


def test_six_sign_ups_with_one_handle_at_once_leave_one_account_and_no_half_ones():
    from apps.users.models import User

    def sign_up(number: int) -> int:
        client = Client(raise_request_exception=False)
        return client.post(
            "/accounts/signup/",
            {
                "role": "creator",
                "email": f"twin{number}@example.com",
                "handle": "samehandle",
                "password1": "a-Strong-pass-9753",
                "password2": "a-Strong-pass-9753",
                "accept_terms": "on",
            },
        ).status_code

    statuses = _in_parallel(6, sign_up)
    assert 500 not in statuses, statuses
    twins = User.objects.filter(email__startswith="twin")
    assert twins.filter(handle="samehandle").count() == 1
    assert not twins.filter(handle__isnull=True).exists()  # no account left without one
