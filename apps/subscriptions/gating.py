"""Plan gating on the server: a view decorator, a DRF permission, a template context."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

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
        return bool(user and user.is_authenticated and plan_for_tier(user.tier).api_access)


def plan_context(request) -> dict:
    """`current_plan` for templates (banners, upgrade prompts)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_plan": plan_for_tier(user.tier)}
