"""Every logged-in page fits a 390 px phone, and the main menu folds and unfolds."""

import re

import pytest
from playwright.sync_api import expect

from apps.analytics.demo import analytics_seed_demo
from apps.analytics.models import ErrorReport, Probe
from apps.analytics.rollup import analytics_flush
from apps.content.library.services import content_item_create
from apps.content.models import UsageRecord
from apps.users.models import User
from apps.users.services import (
    DEMO_PASSWORD,
    avatar_process,
    demo_users_seed,
    link_create,
    user_update_profile,
)
from tests.browser.pages import log_in
from tests.content.test_media import _png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGGED_IN_PAGES = [
    "/dashboard/",
    "/studio/",
    "/studio/chat/",
    "/content/",
    "/content/{item}/",
    "/analytics/",
    "/analytics/?days=90",
    "/billing/",
    "/settings/profile/",
    "/settings/persona/",
    "/settings/links/",
    "/settings/api-keys/",
    "/settings/security/",
    "/settings/privacy/",
]


def _overflow(page) -> int:
    """How far the page is wider than the screen, in CSS pixels."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_every_logged_in_page_fits_a_phone(page, live_server):
    demo_users_seed()
    creator = User.objects.get(handle="demo")
    # An avatar with a long stored name used to push the profile form off the screen.
    upload = _png((300, 300))
    user_update_profile(
        user=creator,
        name=creator.name,
        handle=creator.handle,
        bio=creator.bio,
        avatar=avatar_process(upload=upload),
    )
    item = content_item_create(user=creator, kind="post", title="A title", body="Text " * 80)
    link_create(user=creator, title="A long shop name " * 4, url="https://example.com/" + "x" * 80)
    analytics_seed_demo(creator=creator, post_ids=[item.pk])
    log_in(page, live_server)

    too_wide = {}
    for path in LOGGED_IN_PAGES:
        page.goto(live_server.url + path.format(item=item.pk))
        overflow = _overflow(page)
        if overflow > 0:
            too_wide[path] = overflow
        # The header is one line: the brand and the menu button.
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 90, f"{path}: the header wraps ({header['height']} px)"
    assert too_wide == {}


def test_the_ops_pages_fit_a_phone_for_staff(page, live_server):
    demo_users_seed()
    creator = User.objects.get(handle="demo")
    UsageRecord.objects.create(
        user=creator, task="caption", model="gpt-4o", prompt_version="v1", cost_usd="0.5"
    )
    analytics_flush()
    ErrorReport.objects.create(group="api", method="GET", path="/api/v1/" + "x" * 150, status=500)
    Probe.objects.create(ok=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill("staff@huntaze.local")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/feed/$"))  # staff here hold a fan account
    too_wide = {}
    for path in ("/ops/", "/ops/alerts/"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if _overflow(page) > 0:
            too_wide[path] = _overflow(page)
    assert too_wide == {}


def test_the_menu_opens_closes_and_shows_every_link(page, live_server):
    demo_users_seed()
    log_in(page, live_server)

    nav = page.get_by_role("navigation", name="Main")
    library = nav.get_by_role("link", name="Library")
    expect(library).to_be_hidden()
    menu = page.get_by_text("Menu")
    menu.click()
    for name in ("Dashboard", "Studio", "Library", "Billing", "Settings"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    page.keyboard.press("Escape")
    expect(library).to_be_hidden()
    # Keyboard: the menu button opens with Enter, and the links follow it.
    menu.focus()
    page.keyboard.press("Enter")
    expect(library).to_be_visible()
    library.click()
    expect(page).to_have_url(re.compile(r"/content/$"))

    # On a wide screen there is no menu button: the links are in the header.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.get_by_text("Menu")).to_be_hidden()
    expect(nav.get_by_role("link", name="Studio")).to_be_visible()


def test_the_pricing_buttons_line_up_on_a_wide_screen(page, live_server):
    from apps.subscriptions.services import plans_seed_defaults

    plans_seed_defaults()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/pricing/")
    buttons = page.locator(".plan .plan-action .button")
    expect(buttons).to_have_count(3)
    tops = {round(buttons.nth(i).bounding_box()["y"]) for i in range(3)}
    assert len(tops) == 1, f"the plan buttons sit at different heights: {sorted(tops)}"
    expect(buttons.nth(1)).to_have_text("Sign up for Pro")  # a paid plan never says "free"
