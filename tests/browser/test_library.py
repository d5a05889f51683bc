"""Deleting from the library: asked first, undone in one click."""

import re

import pytest
from playwright.sync_api import expect

from apps.content.library.services import content_item_create
from apps.content.models import ContentItem
from apps.users.models import User
from apps.users.services import demo_users_seed
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_delete_asks_then_undo_brings_the_post_back(page, live_server):
    demo_users_seed()
    creator = User.objects.get(handle="demo")
    item = content_item_create(user=creator, kind="post", title="Keep me", body="Almost lost")
    log_in(page, live_server)

    page.goto(live_server.url + f"/content/{item.pk}/")
    confirm = page.get_by_role("button", name="Yes, delete it")
    expect(confirm).to_be_hidden()  # nothing is deleted in one click
    page.get_by_text("Delete…").click()
    confirm.click()
    expect(page).to_have_url(re.compile(r"/content/$"))
    expect(page.get_by_role("status")).to_contain_text("“Keep me” is deleted.")
    assert not ContentItem.objects.filter(pk=item.pk).exists()

    page.get_by_role("button", name="Undo").click()
    expect(page).to_have_url(re.compile(rf"/content/{item.pk}/$"))
    expect(page.get_by_role("textbox", name="Text")).to_have_value("Almost lost")
    assert ContentItem.objects.filter(pk=item.pk).exists()
