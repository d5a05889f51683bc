"""/api/v1/analytics/."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.AnalyticsSummaryApi.as_view(), name="api-analytics"),
    path("links/", api.AnalyticsLinksApi.as_view(), name="api-analytics-links"),
    path("posts/", api.AnalyticsPostsApi.as_view(), name="api-analytics-posts"),
]
