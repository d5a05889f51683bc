from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A plan and its limits. Names and prices are data; `key` matches User.tier, and
    `lookup_key` the Stripe Price that bills it."""

    key = models.CharField(max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    pitch = models.CharField(_("pitch"), max_length=200, blank=True)
    price_month_cents = models.PositiveIntegerField(_("monthly price (cents)"), default=0)
    currency = models.CharField(max_length=3, default="usd")
    stripe_lookup_key = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(
        default=0, help_text=_("Higher is better: with several subscriptions the best one wins.")
    )
    ai_requests_month = models.PositiveIntegerField(_("AI requests a month"))
    strong_model = models.BooleanField(_("gpt-4o for analysis and long form"), default=False)
    api_access = models.BooleanField(_("API access"), default=False)
    max_links = models.PositiveIntegerField(_("links on the page"))
    media_mb = models.PositiveIntegerField(_("media storage (MB)"))
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ("rank",)

    def __str__(self) -> str:
        return self.name

    @property
    def price_month(self) -> str:
        return f"{self.price_month_cents / 100:g}"
