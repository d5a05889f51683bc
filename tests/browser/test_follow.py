"""Following from a fan's page: one click, the right state on a page cached for everyone."""

import re

import pytest
from playwright.sync_api import expect

from apps.users.models import Follow, User
from apps.users.services import demo_users_seed
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fan_follows_in_one_click_and_the_cached_page_shows_it(page, live_server):
    demo_users_seed()
    creator = User.objects.get(handle="demo")
    fan = UserFactory(role=User.Role.FAN, handle=None, email="fan@example.com")
    page.goto(live_server.url + "/@demo/")  # an anonymous visit caches the page
    box = page.locator("#follow-box")
    expect(box.get_by_role("link", name="Follow")).to_be_visible()
    expect(box).to_contain_text("0 followers")

    page.goto(live_server.url + "/accounts/login/?next=/%40demo/")
    page.get_by_label("E-mail address").fill(fan.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/@demo/$"))
    follow = box.get_by_role("button", name="Follow")
    expect(follow).to_be_visible()
    follow.click()
    expect(box.get_by_role("button", name="Following ✓")).to_be_visible()
    expect(box).to_contain_text("1 follower")
    assert Follow.objects.filter(follower=fan, creator=creator).exists()
    assert page.url.endswith("/@demo/")  # in place, no second page

    page.reload()  # the cached page, with this fan's own button
    expect(box.get_by_role("button", name="Following ✓")).to_be_visible()


def test_a_visitor_who_clicks_follow_signs_up_as_a_fan_without_a_handle(page, live_server):
    demo_users_seed()
    page.goto(live_server.url + "/@demo/")
    page.locator("#follow-box").get_by_role("link", name="Follow").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    expect(page.get_by_label("A fan: I want to follow creators")).to_be_checked()
    expect(page.get_by_label("Handle")).to_be_hidden()
    page.get_by_label("A creator: I want a page and the AI studio").check()
    expect(page.get_by_label("Handle")).to_be_visible()
