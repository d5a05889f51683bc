"""The staff admin: branded, our apps first and Stripe's many tables under one heading last,
and an overview page pointing staff at what needs them.

Like huntaze/urls.py this module puts the apps together, so it may read all of them."""

from datetime import timedelta

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Count, Q, Sum
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Apps in the order staff use them; anything else (allauth's tables) comes after these.
APP_ORDER = ("users", "content", "subscriptions", "analytics")
STRIPE_APP = "djstripe"


def _link(label, url_name: str, query: str = "") -> tuple:
    return label, reverse(url_name) + (f"?{query}" if query else "")


class HuntazeAdminSite(admin.AdminSite):
    site_header = _("Huntaze staff")
    site_title = _("Huntaze admin")
    index_title = _("Run Huntaze")
    index_template = "admin/huntaze_index.html"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label:
            return apps

        def rank(app):
            label = app["app_label"]
            if label in APP_ORDER:
                return (0, APP_ORDER.index(label))
            return (2, 0) if label == STRIPE_APP else (1, 0)

        apps = sorted(apps, key=rank)
        for app in apps:
            if app["app_label"] == STRIPE_APP:
                app["name"] = _("Stripe billing (dj-stripe, read from Stripe)")
        return apps

    def get_urls(self):
        return [
            path("overview/", self.admin_view(self.overview), name="overview"),
            *super().get_urls(),
        ]

    def overview(self, request):
        """What needs staff today: moderation, routing verdicts, failed webhooks, AI spend."""
        from djstripe.models import WebhookEventTrigger

        from apps.content.models import ContentItem, RouteFeedback, UsageRecord
        from apps.subscriptions.models import Plan
        from apps.users.models import User

        now = timezone.now()
        day_ago, week_ago = now - timedelta(days=1), now - timedelta(days=7)
        ai = UsageRecord.objects.filter(created_at__gte=day_ago).aggregate(
            requests=Count("pk"),
            cost=Sum("cost_usd"),
            errors=Count("pk", filter=Q(status=UsageRecord.Status.ERROR)),
        )
        cards = [
            {
                "title": _("Moderation"),
                "figure": ContentItem.objects.filter(moderated_at__gte=week_ago).count(),
                "text": _("posts taken down in the last 7 days"),
                "links": [
                    _link(
                        _("Published posts"),
                        "admin:content_contentitem_changelist",
                        "status__exact=published",
                    ),
                    _link(
                        _("Suspended creators"),
                        "admin:users_user_changelist",
                        "suspended_at__isempty=0",
                    ),
                ],
                "extra": _("%(count)s creators suspended")
                % {"count": User.objects.filter(suspended_at__isnull=False).count()},
            },
            {
                "title": _("AI usage"),
                "figure": ai["requests"],
                "text": _("AI requests in the last 24 hours"),
                "links": [_link(_("AI usage ledger"), "admin:content_usagerecord_changelist")],
                "extra": _("$%(cost)s spent, %(errors)s failed")
                % {"cost": f"{ai['cost'] or 0:.2f}", "errors": ai["errors"]},
            },
            {
                "title": _("Routing to review"),
                "figure": RouteFeedback.objects.filter(
                    verdict=RouteFeedback.Verdict.PENDING
                ).count(),
                "text": _("drafts redone on gpt-4o, waiting for a verdict"),
                "links": [
                    _link(
                        _("Review them"),
                        "admin:content_routefeedback_changelist",
                        "verdict__exact=pending",
                    )
                ],
            },
            {
                "title": _("Stripe webhooks"),
                "figure": WebhookEventTrigger.objects.filter(created__gte=week_ago)
                .filter(Q(valid=False) | Q(processed=False))
                .count(),
                "text": _("deliveries refused or failed in the last 7 days"),
                "links": [
                    _link(
                        _("Failed deliveries"),
                        "admin:djstripe_webhookeventtrigger_changelist",
                        "processed__exact=0",
                    )
                ],
            },
            {
                "title": _("Plans"),
                "figure": Plan.objects.count(),
                "text": _("plans on sale, with their limits"),
                "links": [_link(_("Edit plans"), "admin:subscriptions_plan_changelist")],
            },
        ]
        context = {**self.each_context(request), "title": _("Overview"), "cards": cards}
        return TemplateResponse(request, "admin/overview.html", context)


class HuntazeAdminConfig(AdminConfig):
    default_site = "huntaze.admin.HuntazeAdminSite"
