import re

import pytest
from playwright.sync_api import expect

from apps.content.ai.testing.azure_server import AzureSimulator, Scripted
from apps.content.models import ContentItem
from apps.users.services import demo_users_seed
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def azure_live(settings):
    with AzureSimulator(api_key="live-key") as sim:
        settings.AI_PROVIDER = "azure"
        settings.AZURE_OPENAI_ENDPOINT = sim.endpoint
        settings.AZURE_OPENAI_API_KEY = "live-key"
        yield sim


def _log_in(page, live_server):
    demo_users_seed()
    log_in(page, live_server)


def test_write_a_caption_edit_it_and_save_it(page, live_server, azure_live):
    azure_live.script(Scripted(text="Golden hour, golden mood ✨"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _log_in(page, live_server)
    page.get_by_text("Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
    page.get_by_label("What do you need?").select_option("caption")
    page.get_by_label("Your request").fill("Caption for my sunset beach shoot")
    page.get_by_role("button", name="Write it").click()

    draft = page.get_by_label("Text")
    expect(draft).to_have_value("Golden hour, golden mood ✨")
    details = page.locator(".draft-details summary")
    expect(details).to_contain_text("gpt-4o-mini")  # folded into one small line
    assert page.url.endswith("/studio/")  # htmx swapped the result in place
    expect(page.get_by_label("Title")).to_have_value("Golden hour, golden mood ✨")
    # The recent drafts list now links to it.
    expect(page.locator("#recent-drafts").get_by_role("link")).to_have_count(1)

    count = page.locator(".char-count")
    expect(count).to_contain_text("26 characters")
    expect(count).to_contain_text("2,200 fit in an Instagram caption")
    draft.fill("x" * 2201)
    expect(count).to_contain_text("2,201 characters")
    expect(count).to_have_class(re.compile("char-count-over"))
    copy = page.locator("button[data-copy]")
    expect(copy).to_have_text("Copy")
    draft.fill("Golden hour, golden mood ✨ New set Friday.")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Golden hour, golden mood ✨ New set Friday."
    )
    page.get_by_role("button", name="Save to library").click()
    expect(page.get_by_text("Draft saved to your library.")).to_be_visible()
    assert ContentItem.objects.get().body == "Golden hour, golden mood ✨ New set Friday."


def test_the_assistant_streams_its_answer(page, live_server, azure_live):
    azure_live.script(Scripted(text="Post your teaser at 7pm and pin it for a day."))
    _log_in(page, live_server)
    page.goto(live_server.url + "/studio/chat/")
    page.get_by_label("Message").fill("When should I post my teaser?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".bubble-user")).to_have_text("When should I post my teaser?")
    answer = page.locator(".bubble-assistant")
    expect(answer).to_contain_text("Post your teaser at 7pm and pin it for a day.")
    expect(page).to_have_url(re.compile(r"/studio/chat/\d+/$"))
    page.reload()
    expect(answer).to_contain_text("Post your teaser at 7pm and pin it for a day.")
    # The answer can be kept: "Save to library" makes it a draft.
    answer.get_by_role("button", name="Save to library").click()
    expect(page).to_have_url(re.compile(r"/content/\d+/$"))
    expect(page.get_by_role("textbox", name="Text")).to_have_value(
        "Post your teaser at 7pm and pin it for a day."
    )


@pytest.mark.expected_statuses(400, 402)
def test_an_empty_request_and_a_used_up_quota_are_said_in_the_studio(page, live_server, azure_live):
    # htmx drops 4xx answers by default, so the studio used to do nothing visible.
    from apps.content.ai.models import UsageRecord
    from apps.users.models import User

    _log_in(page, live_server)
    page.goto(live_server.url + "/studio/")
    page.get_by_role("button", name="Write it").click()
    expect(page.locator("#studio-form")).to_contain_text("required")
    expect(page.locator("#studio-form form")).to_have_count(1)  # not a second form

    demo = User.objects.get(handle="demo")
    UsageRecord.objects.bulk_create(
        UsageRecord(user=demo, task="caption", model="gpt-4o-mini", prompt_version="t")
        for _n in range(50)
    )
    page.get_by_label("Your request").fill("One more caption, please")
    page.get_by_role("button", name="Write it").click()
    expect(page.locator("#studio-form")).to_contain_text("You have used the 50 AI requests")
    expect(page.locator("#studio-form")).to_contain_text("Upgrade")
