"""Thirty days of made-up traffic for the demo creator, so /analytics/ has something to
show on a fresh `make run`. Deterministic, and safe to run again (figures are upserted)."""

import datetime
import random

from apps.users.selectors import link_list_for_user

from .models import DailyStat
from .rollup import _upsert
from .services import today

M = DailyStat.Metric
REFERRERS = ("instagram.com", "t.co", "tiktok.com", "google.com", "")


def analytics_seed_demo(*, creator, post_ids: list[int]) -> int:
    rng = random.Random(f"demo-{creator.pk}")  # noqa: S311 - made-up figures, not secrets
    links = [str(link.pk) for link in link_list_for_user(user=creator)]
    rows = []
    for days_ago in range(45):
        day = today() - datetime.timedelta(days=days_ago)
        views = rng.randint(40, 160) + (30 if day.weekday() >= 5 else 0)
        visitors = int(views * rng.uniform(0.6, 0.8))
        rows += [(creator.pk, day, M.VIEWS, "", views), (creator.pk, day, M.VISITORS, "", visitors)]
        shares = [rng.random() for _ in REFERRERS]
        for domain, share in zip(REFERRERS, shares, strict=True):
            rows.append((creator.pk, day, M.REFERRERS, domain, round(views * share / sum(shares))))
        mobile = int(views * 0.7)
        rows += [
            (creator.pk, day, M.DEVICES, "mobile", mobile),
            (creator.pk, day, M.DEVICES, "desktop", views - mobile),
        ]
        clicks = 0
        for link in links:
            count = rng.randint(0, views // 8)
            clicks += count
            rows.append((creator.pk, day, M.LINK_CLICKS, link, count))
        rows.append((creator.pk, day, M.CLICKS, "", clicks))
        for post in post_ids:
            rows.append((creator.pk, day, M.POST_VIEWS, str(post), rng.randint(0, views // 4)))
        rows.append((creator.pk, day, M.FOLLOWS, "", rng.randint(0, 4)))
    return _upsert(rows)
