"""The plan catalogue, read from the Plan table and kept in memory for a minute (it is read
on every AI request and link change)."""

import time
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

_COLUMNS = (
    "key",
    "name",
    "price_month_cents",
    "stripe_lookup_key",
    "rank",
    "ai_requests_month",
    "strong_model",
    "api_access",
    "max_links",
    "media_mb",
    "pitch",
)
# The plans a new database starts with (as Plan rows) and the fallback when it has none.
# Names are data, but the default ones are in the catalogue so pages can translate them.
DEFAULT_PLANS = tuple(dict(zip(_COLUMNS, row, strict=True)) for row in (
    ("free", gettext_noop("Free"), 0, "", 0, 50, False, False, 5, 100,
     gettext_noop("Try the studio and your page.")),
    ("pro", gettext_noop("Pro"), 2900, "huntaze_pro_monthly", 10, 1500, True, True, 25, 5000,
     gettext_noop("For creators who post every day.")),
    ("business", gettext_noop("Business"), 9900, "huntaze_business_monthly", 20, 10000, True,
     True, 100, 50000, gettext_noop("For agencies and teams with several creators.")),
))  # fmt: skip


@dataclass(frozen=True)
class PlanInfo:
    key: str
    name: str
    price_month_cents: int
    stripe_lookup_key: str
    rank: int
    ai_requests_month: int
    strong_model: bool
    api_access: bool
    max_links: int
    media_mb: int
    pitch: str

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the default plans' names are in the
        catalogue; a name staff typed is shown as typed)."""
        return gettext(self.name)

    @property
    def display_pitch(self) -> str:
        return gettext(self.pitch)

    @property
    def price_month(self) -> str:
        return f"{self.price_month_cents / 100:g}"


_FALLBACK = {row["key"]: PlanInfo(**row) for row in DEFAULT_PLANS}
# The plan of everyone without a paid subscription (and User.tier's default).
FREE_PLAN_KEY = "free"
_cache: dict[str, PlanInfo] = {}
_loaded_at = 0.0
TTL_SECONDS = 60


def _load() -> dict[str, PlanInfo]:
    global _cache, _loaded_at
    if _cache and time.monotonic() - _loaded_at < TTL_SECONDS:
        return _cache
    from .models import Plan

    rows = {
        plan.key: PlanInfo(
            plan.key,
            plan.name,
            plan.price_month_cents,
            plan.stripe_lookup_key,
            plan.rank,
            plan.ai_requests_month,
            plan.strong_model,
            plan.api_access,
            plan.max_links,
            plan.media_mb,
            plan.pitch,
        )
        for plan in Plan.objects.all()
    }
    _cache, _loaded_at = rows or dict(_FALLBACK), time.monotonic()
    return _cache


def plans_forget() -> None:
    """Drop the in-memory copy (after an edit, and between tests)."""
    global _cache
    _cache = {}


def plan_list() -> list[PlanInfo]:
    return sorted(_load().values(), key=lambda plan: plan.rank)


def plan_for_tier(tier: str) -> PlanInfo:
    """The plan a user's tier stands for; unknown tiers get the Free plan."""
    plans = _load()
    return plans.get(tier) or plans.get(FREE_PLAN_KEY) or _FALLBACK[FREE_PLAN_KEY]


def plan_for_lookup_key(lookup_key: str | None) -> PlanInfo | None:
    return next(
        (plan for plan in _load().values() if lookup_key and plan.stripe_lookup_key == lookup_key),
        None,
    )


def plan_for_checkout(key: str) -> PlanInfo | None:
    """The plan with this key if it can be bought (it has a Stripe price), else None."""
    plan = _load().get(key)
    return plan if plan is not None and plan.stripe_lookup_key else None
