import re

import pytest
from playwright.sync_api import expect

from apps.users.services import DEMO_PASSWORD, demo_users_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_landing_log_in_as_the_demo_creator_and_see_the_dashboard(page, live_server):
    demo_users_seed()

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Post more")
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()

    page.get_by_text("Menu").click()  # a phone: the links fold into a menu
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill("demo@huntaze.local")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Demo Creator")
    expect(page.get_by_role("heading", name="Scheduled")).to_be_visible()

    # Keyboard users reach the main content first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_wrong_password_is_explained_next_to_the_form(page, live_server):
    demo_users_seed()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill("demo@huntaze.local")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_api_docs_open_without_breaking_the_content_security_policy(page, live_server):
    demo_users_seed()
    page.goto(live_server.url + "/accounts/login/?next=/api/docs/")
    page.get_by_label("E-mail address").fill("demo@huntaze.local")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/api/docs/$"))
    expect(page.locator(".swagger-ui .title")).to_contain_text("Huntaze")
    # The page fixture fails the test on any console error, CSP refusals included.
