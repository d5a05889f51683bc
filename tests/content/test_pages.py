import pytest

pytestmark = pytest.mark.django_db


def test_landing_explains_the_product_and_shows_the_plans(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Huntaze" in html
    for plan in ("Free", "Pro", "Business"):
        assert plan in html
    assert 'href="/accounts/signup/"' in html
    assert 'lang="en"' in html


def test_landing_speaks_french_when_asked(client):
    response = client.get("/", headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_pages_forbid_inline_scripts_and_styles(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
    assert "style=" not in response.content.decode()


def test_dashboard_requires_log_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


def test_dashboard_greets_the_creator(user_client, user, django_assert_max_num_queries):
    # Session, user, the two lists (one query), the week's counts, clicks, the AI requests
    # used: a fixed number, however much the creator has.
    with django_assert_max_num_queries(7):
        response = user_client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert user.name in html
    assert user.email in html
    assert "Nothing scheduled yet" in html
    assert "<dd>Free</dd>" in html  # the plan name, from the plans table
    french = user_client.get("/dashboard/", headers={"accept-language": "fr"})
    assert "<dd>Gratuit</dd>" in french.content.decode()


def test_the_dashboard_shows_the_week_at_a_glance(user_client, user, django_assert_max_num_queries):
    import datetime

    from django.utils import timezone

    from apps.content.library.services import (
        content_item_create,
        content_item_publish,
        content_item_schedule,
    )
    from apps.content.models import UsageRecord

    for number in range(3):
        content_item_create(user=user, kind="post", title=f"Draft {number}", body="Text")
    soon = content_item_create(user=user, kind="post", title="Soon", body="Text")
    content_item_schedule(item=soon, when=timezone.now() + datetime.timedelta(days=2))
    later = content_item_create(user=user, kind="post", title="Later", body="Text")
    content_item_schedule(item=later, when=timezone.now() + datetime.timedelta(days=20))
    content_item_publish(item=content_item_create(user=user, kind="post", title="Out", body="X"))
    for _number in range(4):
        UsageRecord.objects.create(user=user, task="caption", prompt_version="v", model="m")
    with django_assert_max_num_queries(7):
        html = user_client.get("/dashboard/").content.decode()
    # The next posts first, the newest drafts first.
    assert html.index(">Soon</a>") < html.index(">Later</a>") < html.index(">Draft 2</a>")
    assert html.index(">Draft 2</a>") < html.index(">Draft 0</a>")

    def stat(label):
        block = html.split(f"<dt>{label}</dt>", 1)[1]
        return block.split("</dd>", 1)[0]

    assert ">3</a>" in stat("Drafts waiting")
    assert ">1</a>" in stat("Going out in the next 7 days")  # not the one in 20 days
    assert stat("Published in the last 7 days").endswith(">1")
    assert ">46</a>" in stat("AI requests left this month") and "/ 50" in stat(
        "AI requests left this month"
    )


def test_login_page_uses_the_site_layout(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert 'for="id_login"' in html


def test_wrong_password_shows_the_error_on_the_page(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_api_schema_and_docs_are_for_account_holders(client, user):
    anonymous = client.get("/api/schema/", headers={"accept": "application/json"})
    assert anonymous.status_code in (401, 403)
    assert client.get("/api/docs/")["Location"].startswith("/accounts/login/")
    client.force_login(user)
    schema = client.get("/api/schema/", headers={"accept": "application/json"})
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_metrics_are_exposed_for_prometheus(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_view_transport_method_total" in response.content


def test_french_is_the_first_translation(client):
    response = client.get("/", headers={"accept-language": "fr"})
    html = response.content.decode()
    assert "Publiez plus. Écrivez moins. Gagnez plus." in html
    assert "Formules" in html


def test_the_french_catalogue_is_complete():
    """Every string of ours has a French translation, and none is a stale fuzzy guess."""
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "locale/fr/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]  # the first entry is the header

    def translations(entry: str) -> list[str]:
        """Each msgstr (or msgstr[n]) of an entry, its continuation lines joined."""
        found: list[str] = []
        for line in entry.splitlines():
            if line.startswith("msgstr"):
                found.append(line.split(" ", 1)[1].strip('"'))
            elif line.startswith('"') and found:
                found[-1] += line.strip('"')
        return found

    live = [e for e in entries if not e.lstrip().startswith("#~")]
    untranslated = [e for e in live if not all(translations(e))]
    assert "#, fuzzy" not in po
    assert live and untranslated == []


def test_metrics_need_the_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    outside = {"REMOTE_ADDR": "203.0.113.5"}
    assert client.get("/metrics", **outside).status_code == 404
    wrong = client.get("/metrics", headers={"authorization": "Bearer nope"}, **outside)
    assert wrong.status_code == 404
    ok = client.get("/metrics", headers={"authorization": "Bearer scrape-secret"}, **outside)
    assert ok.status_code == 200 and b"django_http_requests" in ok.content
    settings.METRICS_TOKEN = ""
    assert (
        client.get("/metrics", headers={"authorization": "Bearer "}, **outside).status_code == 404
    )


def test_page_titles_read_page_then_site(user_client):
    html = user_client.get("/settings/profile/").content.decode()
    assert "<title>Profile · Huntaze</title>" in html


def test_the_favicon_has_an_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert client.get(response["Location"]).status_code == 200


def test_404_and_500_pages_look_like_the_site(client, settings):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in html and "site-header" in html
    assert "<title>Page not found · Huntaze</title>" in html
    french = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cette page n\u2019existe pas" in french

    client.raise_request_exception = False
    settings.ROOT_URLCONF = "tests.sentry_urls"
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "huntaze.css" in html
