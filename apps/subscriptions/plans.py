"""The plan catalogue: what each plan costs and allows.

These are the defaults the product ships with; prices and limits become adjustable data when
billing lands, and these values seed them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PlanInfo:
    key: str
    name: str
    price_month_usd: int
    ai_requests_month: int
    strong_model: bool
    api_access: bool
    max_links: int
    media_mb: int
    pitch: str


DEFAULT_PLANS: tuple[PlanInfo, ...] = (
    PlanInfo("free", _("Free"), 0, 50, False, False, 5, 100, _("Try the studio and your page.")),
    PlanInfo(
        "pro", _("Pro"), 29, 1500, True, True, 25, 5000, _("For creators who post every day.")
    ),
    PlanInfo(
        "business",
        _("Business"),
        99,
        10000,
        True,
        True,
        100,
        50000,
        _("For agencies and teams with several creators."),
    ),
)


PLANS_BY_KEY = {plan.key: plan for plan in DEFAULT_PLANS}


def plan_for_tier(tier: str) -> PlanInfo:
    """The plan a user's tier stands for; unknown tiers get the Free plan."""
    return PLANS_BY_KEY.get(tier, PLANS_BY_KEY["free"])
