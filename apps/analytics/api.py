"""/api/v1/analytics/: the creator's figures for scripts, from the same roll-ups as
/analytics/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import CreatorOnly
from apps.core.api_schema import api_errors

from .selectors import PERIODS, Figure, creator_period

DAYS = OpenApiParameter("days", type=int, enum=list(PERIODS), description="The period (30)")


class FigureSerializer(serializers.Serializer):
    current = serializers.IntegerField(help_text="In the period")
    previous = serializers.IntegerField(help_text="In the same number of days before")
    change_percent = serializers.IntegerField(allow_null=True)


def _figure(figure: Figure) -> dict:
    return {"current": figure.current, "previous": figure.previous, "change_percent": figure.change}


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    views = serializers.IntegerField()
    visitors = serializers.IntegerField()
    clicks = serializers.IntegerField()
    follows = serializers.IntegerField()
    generations = serializers.IntegerField()
    ai_cost_usd = serializers.FloatField()


class SummarySerializer(serializers.Serializer):
    days = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    views = FigureSerializer()
    visitors = FigureSerializer()
    clicks = FigureSerializer()
    follows = FigureSerializer()
    generations = FigureSerializer()
    ai_cost_micro_usd = FigureSerializer()
    click_through_percent = serializers.FloatField(allow_null=True)
    referrers = serializers.DictField(child=serializers.IntegerField())
    campaigns = serializers.DictField(child=serializers.IntegerField())
    devices = serializers.DictField(child=serializers.IntegerField())
    series = DaySerializer(many=True)


class LinkFiguresSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    url = serializers.URLField()
    clicks = FigureSerializer()
    click_through_percent = serializers.FloatField(allow_null=True)


class PostFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    views = FigureSerializer()


class _AnalyticsApi(CreatorOnly, APIView):
    def period(self, request):
        raw = request.query_params.get("days", "30")
        if raw not in {str(days) for days in PERIODS}:
            raise serializers.ValidationError({"days": ["One of 7, 30 or 90."]})
        return creator_period(creator=request.user, days=int(raw))


class AnalyticsSummaryApi(_AnalyticsApi):
    @extend_schema(
        summary="Figures for a period against the one before",
        parameters=[DAYS],
        responses={200: SummarySerializer, **api_errors(400)},
    )
    def get(self, request):
        period = self.period(request)
        body = {
            "days": period.days,
            "start": period.start,
            "end": period.end,
            **{name: _figure(figure) for name, figure in period.totals.items()},
            "click_through_percent": period.click_through,
            "referrers": dict(period.referrers),
            "campaigns": dict(period.sources),
            "devices": dict(period.devices),
            "series": period.series,
        }
        body["ai_cost_micro_usd"] = body.pop("ai_cost")
        return Response(SummarySerializer(body).data)


class AnalyticsLinksApi(_AnalyticsApi):
    @extend_schema(
        summary="Clicks per link",
        parameters=[DAYS],
        responses={200: LinkFiguresSerializer(many=True), **api_errors(400)},
    )
    def get(self, request):
        period = self.period(request)
        rows = [
            {
                "id": link["id"],
                "title": link["title"],
                "url": link["url"],
                "clicks": _figure(link["clicks"]),
                "click_through_percent": link["click_through"],
            }
            for link in period.links
        ]
        return Response(LinkFiguresSerializer(rows, many=True).data)


class AnalyticsPostsApi(_AnalyticsApi):
    @extend_schema(
        summary="Views of the most read posts",
        parameters=[DAYS],
        responses={200: PostFiguresSerializer(many=True), **api_errors(400)},
    )
    def get(self, request):
        period = self.period(request)
        rows = [
            {
                "id": post["id"],
                "title": post["title"],
                "status": post["status"],
                "views": _figure(post["views"]),
            }
            for post in period.posts
        ]
        return Response(PostFiguresSerializer(rows, many=True).data)
