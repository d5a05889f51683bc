from django.contrib import admin

from .models import Plan
from .plans import plans_forget


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Plans and their mapping to Stripe Prices (by lookup key)."""

    list_display = (
        "name",
        "key",
        "price_month_cents",
        "stripe_lookup_key",
        "ai_requests_month",
        "strong_model",
        "api_access",
        "max_links",
        "rank",
    )
    list_editable = ("price_month_cents", "ai_requests_month")
    readonly_fields = ("key",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        plans_forget()
