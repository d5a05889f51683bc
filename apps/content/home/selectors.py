"""What the creator's dashboard shows, gathered in one read."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from apps.analytics.selectors import link_clicks_since
from apps.subscriptions.plans import plan_for_tier
from apps.subscriptions.usage import ai_requests_used

from ..library.selectors import content_drafts_and_scheduled
from ..models import ContentItem


@dataclass(frozen=True)
class DashboardSummary:
    drafts: list[ContentItem]
    scheduled: list[ContentItem]
    clicks_this_week: int
    # The week at a glance.
    drafts_count: int
    scheduled_next_week: int
    published_this_week: int
    ai_requests_left: int
    ai_requests_month: int


def dashboard_summary(*, user) -> DashboardSummary:
    now = timezone.now()
    week_ago, week_ahead = now - datetime.timedelta(days=7), now + datetime.timedelta(days=7)
    counts = ContentItem.objects.filter(user=user).aggregate(
        drafts=Count("pk", filter=Q(status=ContentItem.Status.DRAFT)),
        scheduled=Count(
            "pk",
            filter=Q(status=ContentItem.Status.SCHEDULED, scheduled_for__lte=week_ahead),
        ),
        published=Count(
            "pk", filter=Q(status=ContentItem.Status.PUBLISHED, published_at__gte=week_ago)
        ),
    )
    plan = plan_for_tier(user.tier)
    drafts, scheduled = content_drafts_and_scheduled(user=user)
    return DashboardSummary(
        drafts=drafts,
        scheduled=scheduled,
        clicks_this_week=link_clicks_since(creator=user, since=week_ago),
        drafts_count=counts["drafts"],
        scheduled_next_week=counts["scheduled"],
        published_this_week=counts["published"],
        ai_requests_left=max(0, plan.ai_requests_month - ai_requests_used(user)),
        ai_requests_month=plan.ai_requests_month,
    )
