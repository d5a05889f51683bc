"""Plan gating on the server: a view decorator, a DRF permission, a template context."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .plans import plan_for_tier


def plan_feature_required(feature: str):
    """Views that need a plan feature (e.g. "api_access"); others go to the pricing page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not getattr(plan_for_tier(request.user.tier), feature):
                messages.info(request, _("That needs a bigger plan."))
                return redirect("pricing")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasPlanApiAccess(BasePermission):
    message = _("Your plan does not include API access. Upgrade at /pricing/.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return True  # authentication answers 401 first
        if plan_for_tier(user.tier).api_access:
            return True
        raise PlanApiAccessDenied(request)


class PlanApiAccessDenied(exceptions.PermissionDenied):
    """403 with the way out: the problem carries `upgrade_url`."""

    def __init__(self, request):
        super().__init__(HasPlanApiAccess.message)
        self.problem_extra = {"upgrade_url": request.build_absolute_uri(reverse("pricing"))}


class PlanRateThrottle(SimpleRateThrottle):
    """Requests per minute by plan (API_RATES), counted per account across its keys and
    session. Leaves its figures on the request for the RateLimit-* headers."""

    scope = "plan"

    def get_rate(self):
        return None  # set per request, from the user's plan

    def allow_request(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return True
        rates = settings.API_RATES
        self.rate = rates.get(user.tier, rates["default"])
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            allowed = super().allow_request(request, view)
        except RedisError:
            return True  # no counting without the cache: serve rather than refuse
        remaining = self.num_requests - len(self.history) if allowed else 0
        reset = self.duration - (self.now - self.history[-1]) if self.history else self.duration
        request._request.rate_limit = (self.num_requests, remaining, reset)
        return allowed

    def get_cache_key(self, request, view):
        # Per account: its keys and its browser session share the plan's allowance (one
        # bucket per key would let a script multiply it by making keys).
        return f"throttle:plan:user{request.user.pk}"


def plan_context(request) -> dict:
    """`current_plan` for templates (banners, upgrade prompts)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_plan": plan_for_tier(user.tier)}
