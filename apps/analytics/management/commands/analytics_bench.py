"""Fill a scratch PostgreSQL database with a traffic history and time the analytics pages.

    DJANGO_SETTINGS_MODULE=huntaze.settings.production python manage.py analytics_bench \\
        --events 1000000 [--creators 300] [--requests 100] [--keep]

Creates `<database>_analytics_bench` (dropped at the end unless --keep), migrates it, and
writes with COPY: `--events` raw fans' visits and follows over 90 days (as the embedded
defaults keep them), one AI ledger row for every ten events, 30 days of hourly request
figures and minute probes. It rolls the 90 days up with the same code as the beat's minute
task, then requests /analytics/ (7, 30, 90 days, for the busiest creator) and /ops/ (as
staff) through Django's full middleware stack with DEBUG off, and prints p50/p95/max of
each. The budget is p95 <= 200 ms.
"""

import datetime
import logging
import math
import random
import time
import uuid

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from apps.analytics.models import Event
from apps.analytics.rollup import analytics_flush
from apps.users.models import Link, User

BUDGET_MS = 200
DAYS = 90
ROUTE_GROUPS = ("public", "api", "studio", "content", "dashboard", "analytics", "accounts")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


class Command(BaseCommand):
    help = "Time /analytics/ and /ops/ on a scratch database holding a traffic history."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument("--creators", type=int, default=300)
        parser.add_argument("--requests", type=int, default=100, help="requests per page")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database")

    def handle(self, *args, events: int, creators: int, requests: int, keep: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("analytics_bench needs PostgreSQL (set DATABASE_URL).")
        if events < 1 or creators < 1 or requests < 1:
            raise CommandError("--events, --creators and --requests must be positive.")
        original = connection.settings_dict["NAME"]
        scratch = f"{original}_analytics_bench"
        connection.settings_dict.setdefault("TEST", {})["NAME"] = scratch
        self.stdout.write(f"Creating the scratch database {scratch} …")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self._run(events=events, creators=creators, requests=requests)
        finally:
            if keep:
                self.stdout.write(f"Kept {scratch}.")
                connection.close()
                connection.settings_dict["NAME"] = original
            else:
                connection.creation.destroy_test_db(original, verbosity=0)

    # Filling ------------------------------------------------------------------------------

    def _run(self, *, events: int, creators: int, requests: int) -> None:
        rng = random.Random(42)  # noqa: S311 - made-up traffic
        started = time.perf_counter()
        users = User.objects.bulk_create(
            User(email=f"bench{n}@example.com", handle=f"bench{n}", name=f"Bench {n}")
            for n in range(creators)
        )
        staff = User.objects.create(email="ops@example.com", is_staff=True, role="fan")
        links = Link.objects.bulk_create(
            Link(user=user, title=f"Link {n}", url=f"https://example.com/{user.pk}/{n}")
            for user in users
            for n in range(3)
        )
        links_of: dict[int, list[uuid.UUID]] = {}
        for link in links:
            links_of.setdefault(link.user_id, []).append(link.pk)
        # A few creators get most of the traffic, as on any real site.
        weights = [1 / (rank + 1) for rank in range(creators)]
        now = timezone.now()
        self._copy_events(rng, users, weights, links_of, events, now)
        self._copy_ledger(rng, users, weights, events // 10, now)
        self._copy_ops(rng, now)
        filled = time.perf_counter() - started
        self.stdout.write(f"Filled in {filled:.0f} s; rolling up {DAYS} days …")
        started = time.perf_counter()
        with override_settings(ANALYTICS_SINK="database"):
            today = timezone.localdate()
            rows = analytics_flush(
                days=[today - datetime.timedelta(days=n) for n in range(DAYS + 1)]
            )
        rolled = time.perf_counter() - started
        self.stdout.write(f"Rolled up {rows['daily_rows']} daily rows in {rolled:.0f} s.")
        self._measure(busiest=users[0], staff=staff, requests=requests)

    def _copy(self, table: str, columns: tuple[str, ...], rows) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _copy_events(self, rng, users, weights, links_of, count, now) -> None:
        devices = ("mobile", "mobile", "mobile", "desktop", "tablet")
        referrers = ("instagram.com", "t.co", "tiktok.com", "google.com", "", "")
        chosen = rng.choices(users, weights=weights, k=count)

        def rows():
            for user in chosen:
                roll = rng.random()
                kind = "page_view" if roll < 0.85 else "link_click" if roll < 0.97 else "follow"
                at = now - datetime.timedelta(seconds=rng.randint(0, DAYS * 86400))
                yield (
                    kind,
                    user.pk,
                    rng.choice(links_of[user.pk]) if kind == "link_click" else None,
                    None,
                    f"{rng.getrandbits(40):010x}" if kind != "follow" else "",
                    rng.choice(devices) if kind != "follow" else "",
                    rng.choice(referrers) if kind == "page_view" else "",
                    "",
                    "",
                    at,
                )

        self._copy(
            Event._meta.db_table,
            (
                "kind",
                "creator_id",
                "link_id",
                "content_id",
                "visitor",
                "device",
                "referrer",
                "utm_source",
                "detail",
                "created_at",
            ),
            rows(),
        )

    def _copy_ledger(self, rng, users, weights, count, now) -> None:
        from apps.content.models import UsageRecord

        chosen = rng.choices(users, weights=weights, k=count)

        def rows():
            for user in chosen:
                strong = rng.random() < 0.2
                yield (
                    user.pk,
                    rng.choice(("caption", "reply", "post", "strategy")),
                    "gpt-4o" if strong else "gpt-4o-mini",
                    "gpt-4o" if strong else "gpt-4o-mini",
                    "critical (p=0.9)" if strong else "short everyday task",
                    "{}",
                    "v1",
                    rng.randint(300, 1500),
                    rng.randint(0, 1024),
                    rng.randint(50, 400),
                    rng.randint(300, 4000),
                    round(rng.uniform(0.0001, 0.02), 6),
                    rng.random() < 0.1,
                    False,
                    "ok",
                    "",
                    now - datetime.timedelta(seconds=rng.randint(0, DAYS * 86400)),
                )

        self._copy(
            UsageRecord._meta.db_table,
            (
                "user_id",
                "task",
                "deployment",
                "model",
                "route_reason",
                "route_scores",
                "prompt_version",
                "prompt_tokens",
                "cached_tokens",
                "completion_tokens",
                "latency_ms",
                "cost_usd",
                "cache_hit",
                "fallback",
                "status",
                "error",
                "created_at",
            ),
            rows(),
        )

    def _copy_ops(self, rng, now) -> None:
        from apps.analytics.models import ErrorReport, Probe, RouteStat

        hour = now.replace(minute=0, second=0, microsecond=0)
        self._copy(
            RouteStat._meta.db_table,
            ("hour", "group", "requests", "errors", "buckets"),
            (
                (
                    hour - datetime.timedelta(hours=h),
                    group,
                    1000,
                    rng.randint(0, 5),
                    f"[{rng.randint(300, 600)}, 250, 150, 60, 20, 10, 5, 3, 1, 1, 0, 0]",
                )
                for h in range(30 * 24)
                for group in ROUTE_GROUPS
            ),
        )
        self._copy(
            Probe._meta.db_table,
            ("at", "ok", "failed", "duration_ms"),
            (
                (now - datetime.timedelta(minutes=m), rng.random() > 0.002, "", 12)
                for m in range(30 * 24 * 60)
            ),
        )
        self._copy(
            ErrorReport._meta.db_table,
            (
                "at",
                "group",
                "method",
                "path",
                "status",
                "exception",
                "request_id",
                "sentry_event_id",
            ),
            (
                (
                    now - datetime.timedelta(minutes=m * 7),
                    "api",
                    "GET",
                    "/api/v1/x",
                    500,
                    "",
                    "",
                    "",
                )
                for m in range(1000)
            ),
        )

    # Measuring ----------------------------------------------------------------------------

    def _measure(self, *, busiest, staff, requests: int) -> None:
        # Production settings serve static files from a manifest, as the image does.
        if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
        host = host.lstrip(".") or "localhost"
        pages = {
            "/analytics/?days=7": busiest,
            "/analytics/?days=30": busiest,
            "/analytics/?days=90": busiest,
            "/ops/": staff,
        }
        worst = 0.0
        # One JSON line per request would bury the figures.
        logging.getLogger("huntaze.request").setLevel(logging.WARNING)
        # ANALYTICS_SINK off Redis: the bench's requests stay out of the real latency figures.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[host], ANALYTICS_SINK="database"):
            for path, user in pages.items():
                client = Client(SERVER_NAME=host)
                client.force_login(user)
                client.get(path, secure=True)  # warm: templates, plan catalogue, connections
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get(path, secure=True)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{path} answered {response.status_code}")
                p95 = _percentile(times, 0.95)
                worst = max(worst, p95)
                self.stdout.write(
                    f"{path:<22} p50 {_percentile(times, 0.5):6.1f} ms   p95 {p95:6.1f} ms   "
                    f"max {max(times):6.1f} ms   ({requests} requests)"
                )
        verdict = "within" if worst <= BUDGET_MS else "OVER"
        self.stdout.write(f"Slowest p95 {worst:.1f} ms: {verdict} the {BUDGET_MS} ms budget.")
