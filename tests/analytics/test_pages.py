"""/analytics/ for creators, /ops/ and its alert rules for staff."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from apps.analytics.models import AlertIncident, AlertRule, DailyStat, ErrorReport, Probe, RouteStat
from apps.analytics.tasks import alerts_check, analytics_flush, health_probe
from apps.content.models import UsageRecord
from apps.users.services import link_create
from tests.analytics.conftest import PHONE, figures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _stat(creator, days_ago: int, metric: str, value: int, key: str = "") -> None:
    DailyStat.objects.create(
        creator=creator,
        day=timezone.localdate() - datetime.timedelta(days=days_ago),
        metric=metric,
        key=key,
        value=value,
    )


# /analytics/ -----------------------------------------------------------------------------


def test_analytics_is_for_creators_and_starts_with_what_to_do(client, luna):
    assert client.get("/analytics/").status_code == 302  # log in first
    fan = UserFactory(role="fan", handle=None)
    client.force_login(fan)
    assert client.get("/analytics/").status_code == 302  # back to settings, with a message
    client.force_login(luna)
    html = client.get("/analytics/").content.decode()
    assert "Nothing to show yet" in html and "/@luna/" in html


def test_analytics_compares_the_period_with_the_one_before(client, luna):
    link = link_create(user=luna, title="Shop", url="https://shop.example.com/")
    client.get("/@luna/", HTTP_USER_AGENT=PHONE, HTTP_REFERER="https://t.co/x")
    client.get(f"/@luna/p/{luna.post.slug}/", HTTP_USER_AGENT=PHONE)
    client.get(f"/@luna/l/{link.pk}/", HTTP_USER_AGENT=PHONE)
    analytics_flush()
    _stat(luna, 10, "views", 1)  # in the 30 days before the last 7, not in the last 7
    client.force_login(luna)
    week = client.get("/analytics/?days=7")
    assert week.status_code == 200
    html = week.content.decode()
    assert 'aria-current="page">7 days' in html
    assert "Sunset" in html and "t.co" in html and "Shop" in html
    assert "50.0%" in html  # one click for two views
    assert '<svg viewBox="0 0 640 200" role="img"' in html and "<title id=" in html
    month = client.get("/analytics/?days=30").context["period"]
    assert (month.totals["views"].current, month.totals["views"].previous) == (3, 0)
    quarter = client.get("/analytics/?days=90").context["period"]
    assert len(quarter.series) == 90
    _stat(luna, 40, "views", 2)  # the 30 days before this month's
    month = client.get("/analytics/?days=30").context["period"]
    assert month.totals["views"].change == 50
    # A made-up period falls back to 30 days.
    assert client.get("/analytics/?days=1000").context["period"].days == 30


def test_another_creators_figures_never_show(client, luna):
    other = UserFactory(handle="other")
    _stat(other, 0, "views", 999)
    client.force_login(luna)
    assert client.get("/analytics/").context["period"].totals["views"].current == 0


def test_the_csv_has_one_row_a_day(client, luna):
    _stat(luna, 0, "views", 5)
    _stat(luna, 0, "ai_cost", 1_500_000, key="gpt-4o")
    client.force_login(luna)
    response = client.get("/analytics/export.csv?days=7")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "day,views,visitors,clicks,follows,generations,ai_cost_usd"
    assert len(lines) == 8 and lines[-1] == f"{timezone.localdate()},5,0,0,0,0,1.5"


def test_analytics_queries_do_not_grow_with_traffic(client, luna, queries_of):
    client.force_login(luna)
    _, few = queries_of(lambda: client.get("/analytics/?days=90"))
    for number in range(5):
        link_create(user=luna, title=f"Link {number}", url=f"https://example.com/{number}")
    for days_ago in range(90):
        for metric in ("views", "visitors", "clicks", "follows"):
            _stat(luna, days_ago, metric, days_ago + 1)
        _stat(luna, days_ago, "post_views", 3, key=str(luna.post.pk))
        _stat(luna, days_ago, "referrers", 2, key=f"site{days_ago}.example")
    response, many = queries_of(lambda: client.get("/analytics/?days=90"))
    assert response.status_code == 200 and response.context["period"].posts
    assert few == many <= 10, (few, many)


# /ops/ ---------------------------------------------------------------------------------------


def test_ops_is_for_staff_only(client, luna, staff_user):
    assert client.get("/ops/").status_code == 302
    client.force_login(luna)
    assert client.get("/ops/").status_code == 403
    assert client.get("/ops/alerts/").status_code == 403
    client.force_login(staff_user)
    html = client.get("/ops/").content.decode()
    assert "Uptime" in html and "No probe has run yet" in html


def test_uptime_comes_from_the_probes_and_incidents_group_failures(client, staff_user):
    assert health_probe()["database"] is True
    now = timezone.now()
    for _ in range(3):
        Probe.objects.create(ok=False, failed="cache")
    Probe.objects.filter(ok=False).update(at=now - datetime.timedelta(minutes=29))
    client.force_login(staff_user)
    context = client.get("/ops/").context
    today = context["uptime"][0]
    assert (today.ok, today.total, today.percent) == (1, 4, 25.0)
    assert len(context["incidents"]) == 1 and context["incidents"][0]["failed"] == "cache"


def test_requests_are_measured_per_route_group_and_server_errors_kept(
    client, luna, staff_user, settings
):
    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    client.get("/pricing/")
    client.get("/healthz")  # not measured
    client.raise_request_exception = False
    settings.ROOT_URLCONF = "tests.sentry_urls"
    failed = client.get("/boom/?email=secret@example.com")
    assert failed.status_code == 500
    analytics_flush()
    groups = {stat.group: stat for stat in RouteStat.objects.all()}
    assert groups["public"].requests == 1 and groups["billing"].requests == 1
    assert (groups["other"].requests, groups["other"].errors) == (1, 1)
    assert sum(groups["public"].buckets) == 1 and "healthz" not in groups
    error = ErrorReport.objects.get()
    assert (error.status, error.path, error.exception) == (500, "/boom/", "builtins.RuntimeError")
    assert error.request_id == failed["X-Request-ID"]  # to find its log lines
    settings.ROOT_URLCONF = "huntaze.urls"
    client.force_login(staff_user)
    context = client.get("/ops/").context
    other = next(row for row in context["latency_day"] if row["group"] == "other")
    assert other["error_rate"] == 100.0 and other["p95"] is not None
    assert "/boom/" in client.get("/ops/").content.decode()


def test_margins_list_creators_costing_more_than_they_pay_first(client, luna, staff_user):
    heavy = UserFactory(handle="heavy", tier="pro", billing_status="active")
    light = UserFactory(handle="light", tier="pro", billing_status="active")
    for user, cost in ((luna, "0.50"), (heavy, "40.00"), (light, "1.00")):
        UsageRecord.objects.create(
            user=user, task="caption", model="gpt-4o", prompt_version="v1", cost_usd=cost
        )
    analytics_flush()
    client.force_login(staff_user)
    context = client.get("/ops/").context
    margins = [
        (row["handle"], row["revenue"], round(row["margin"], 2)) for row in context["margins"]
    ]
    assert margins == [("heavy", 29.0, -11.0), ("luna", 0.0, -0.5), ("light", 29.0, 28.0)]
    assert context["ai"]["requests"] == 3 and context["ai"]["cost_total"] == 41.5


def test_revenue_comes_from_the_synced_subscriptions(
    client, fake_stripe, webhook_endpoint, staff_user
):
    from tests.subscriptions.test_billing import _post_event, _subscribe

    payer, leaver = UserFactory(handle="payer"), UserFactory(handle="leaver")
    _subscribe(fake_stripe, webhook_endpoint, client, payer)
    customer = _subscribe(fake_stripe, webhook_endpoint, client, leaver, "huntaze_business_monthly")
    sub = next(s for s in fake_stripe.objects["subscription"].values() if s["customer"] == customer)
    ended = fake_stripe.set_subscription(
        customer=customer,
        lookup_key="huntaze_business_monthly",
        status="canceled",
        sub_id=sub["id"],
    )
    _post_event(client, webhook_endpoint, fake_stripe.event("customer.subscription.deleted", ended))
    client.force_login(staff_user)
    revenue = client.get("/ops/").context["revenue"]
    assert (revenue.mrr_cents, revenue.paying, revenue.new, revenue.churned) == (2900, 1, 2, 1)
    assert figures(payer)[("plan_changes", "free → pro")] == 1


def test_ops_queries_do_not_grow_with_traffic(client, luna, staff_user, queries_of):
    client.force_login(staff_user)
    _stat(luna, 0, "ai_cost", 1000, key="gpt-4o-mini")
    client.get("/ops/")  # the plan catalogue is read once a minute per process
    _, few = queries_of(lambda: client.get("/ops/"))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hour in range(48):
        for group in ("public", "api", "studio"):
            RouteStat.objects.create(
                hour=now - datetime.timedelta(hours=hour),
                group=group,
                requests=10,
                errors=1,
                buckets=[5, 3, 2],
            )
    for number in range(20):
        creator = UserFactory(handle=f"c{number}")
        for days_ago in range(10):
            _stat(creator, days_ago, "ai_cost", 1000 * number, key="gpt-4o-mini")
            _stat(creator, days_ago, "ai_requests", 3, key="gpt-4o-mini")
        Probe.objects.create(ok=number % 3 != 0, failed="" if number % 3 else "broker")
        ErrorReport.objects.create(group="api", method="GET", path="/api/x", status=500)
    response, many = queries_of(lambda: client.get("/ops/"))
    assert response.status_code == 200 and len(response.context["margins"]) == 21
    assert few == many <= 20, (few, many)


# Alerts --------------------------------------------------------------------------------------


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_webhook(settings):
    _Webhook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OPS_ALERT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hooks/ops"
    yield _Webhook.received
    server.shutdown()


def test_staff_set_thresholds_with_clear_errors(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/ops/alerts/")
    assert page.status_code == 200 and "Server error rate" in page.content.decode()
    bad = client.post("/ops/alerts/", {"error_rate_enabled": "on", "p95_ms_threshold": "-3"})
    assert bad.status_code == 400
    assert "Give a threshold to alert on." in bad.content.decode()
    assert not AlertRule.objects.exists()
    ok = client.post(
        "/ops/alerts/",
        {"error_rate_enabled": "on", "error_rate_threshold": "5", "p95_ms_threshold": "800"},
    )
    assert ok.status_code == 302
    rules = {rule.metric: (rule.enabled, str(rule.threshold)) for rule in AlertRule.objects.all()}
    assert rules == {"error_rate": (True, "5.00"), "p95_ms": (False, "800.00")}


def test_an_alert_is_sent_once_when_crossed_and_once_when_cleared(
    client, staff_user, chat_webhook, mailoutbox
):
    AlertRule.objects.create(metric="failed_probes", threshold=1)
    AlertRule.objects.create(metric="ai_cost_day", threshold=100)
    for _ in range(3):
        Probe.objects.create(ok=False, failed="database")
    assert alerts_check() == ["opened: failed_probes"]
    assert alerts_check() == []  # still crossed: no second message
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [staff_user.email]
    assert "Failed health probes" in mailoutbox[0].subject
    assert len(chat_webhook) == 1 and "above the threshold of 1" in chat_webhook[0]["text"]
    client.force_login(staff_user)
    assert "Alert: Failed health probes" in client.get("/ops/").content.decode()

    Probe.objects.update(at=timezone.now() - datetime.timedelta(minutes=10))
    assert alerts_check() == ["cleared: failed_probes"]
    assert alerts_check() == []
    assert len(mailoutbox) == 2 and "Cleared" in mailoutbox[1].subject
    assert len(chat_webhook) == 2 and "is over" in chat_webhook[1]["text"]
    incident = AlertIncident.objects.get()
    assert incident.cleared_at is not None and incident.value == 3


def test_odd_periods_fall_back_and_long_incidents_keep_their_length(client, luna, staff_user):
    client.force_login(luna)
    for raw in ("²", "9" * 5000, "-7", "7.0"):
        response = client.get("/analytics/", {"days": raw})
        assert response.status_code == 200 and response.context["period"].days == 30
    now = timezone.now()
    Probe.objects.bulk_create(  # a 25-hour outage, a failed probe every 2 minutes
        Probe(ok=False, failed="database") for _ in range(0, 25 * 60, 2)
    )
    for index, probe in enumerate(Probe.objects.order_by("pk")):
        Probe.objects.filter(pk=probe.pk).update(at=now - datetime.timedelta(minutes=2 * index))
    client.force_login(staff_user)
    incident = client.get("/ops/").context["incidents"][0]
    assert incident["minutes"] >= 24 * 60


def test_an_alert_at_the_line_does_not_flap_and_a_rule_turned_off_clears(
    client, staff_user, mailoutbox
):
    rule = AlertRule.objects.create(metric="failed_probes", threshold=2)
    for _ in range(3):
        Probe.objects.create(ok=False, failed="cache")
    assert alerts_check() == ["opened: failed_probes"]
    Probe.objects.filter(pk=Probe.objects.first().pk).delete()  # 2: at the line, not under 90%
    assert alerts_check() == []
    rule.enabled = False
    rule.save()
    assert alerts_check() == ["cleared: failed_probes"]
    assert len(mailoutbox) == 2
