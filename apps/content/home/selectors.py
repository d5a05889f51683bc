"""What the creator's dashboard shows, gathered in one read."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from apps.analytics.selectors import link_clicks_since

from ..library.selectors import content_recent_drafts, content_scheduled
from ..models import ContentItem


@dataclass(frozen=True)
class DashboardSummary:
    drafts: list[ContentItem]
    scheduled: list[ContentItem]
    clicks_this_week: int


def dashboard_summary(*, user) -> DashboardSummary:
    week_ago = timezone.now() - datetime.timedelta(days=7)
    return DashboardSummary(
        drafts=content_recent_drafts(user=user),
        scheduled=content_scheduled(user=user),
        clicks_this_week=link_clicks_since(creator=user, since=week_ago),
    )
