"""Steps the browser tests share."""

import re

from playwright.sync_api import expect

from apps.users.services import DEMO_PASSWORD


def log_in(page, live_server, *, email: str = "demo@huntaze.local", password=DEMO_PASSWORD):
    """Log in through the real form and land on the dashboard."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
