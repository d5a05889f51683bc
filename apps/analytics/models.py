from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One thing that happened, kept raw for a while (ANALYTICS_RAW_EVENT_DAYS) and rolled up
    into DailyStat every minute: follows, sign-ups and plan changes always; page views and
    link clicks only where there is no Redis to count them in (the embedded defaults).

    Fans are never identified: `visitor` is a hash under a random salt that lives one day
    (services.visitor_hash); no address is kept.
    """

    class Kind(models.TextChoices):
        PAGE_VIEW = "page_view", _("Page view")
        LINK_CLICK = "link_click", _("Link click")
        FOLLOW = "follow", _("New follower")
        SIGNUP = "signup", _("Sign-up")
        PLAN_CHANGE = "plan_change", _("Plan change")

    class Device(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        TABLET = "tablet", _("Tablet")
        DESKTOP = "desktop", _("Desktop")

    kind = models.CharField(max_length=20, choices=Kind)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics_events"
    )
    link_id = models.UUIDField(null=True, blank=True)
    content_id = models.BigIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=10, choices=Device, blank=True)
    referrer = models.CharField(max_length=100, blank=True)
    utm_source = models.CharField(max_length=50, blank=True)
    # What else a kind needs: the plan change ("free → pro").
    detail = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["creator", "kind", "created_at"], name="event_creator_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.creator_id}"


class DailyStat(models.Model):
    """A creator's figure for one day: the roll-up that every analytics page reads.

    `key` splits a metric (a post's id, a link's id, a referrer's domain, a model), "" for
    the total. The roll-up writes absolute values, so running it twice changes nothing.
    """

    class Metric(models.TextChoices):
        VIEWS = "views", _("Page views")
        VISITORS = "visitors", _("Unique visitors")
        POST_VIEWS = "post_views", _("Post views")
        CLICKS = "clicks", _("Link clicks")
        LINK_CLICKS = "link_clicks", _("Clicks per link")
        REFERRERS = "referrers", _("Referrers")
        UTM = "utm", _("Campaign sources")
        DEVICES = "devices", _("Devices")
        FOLLOWS = "follows", _("New followers")
        SIGNUPS = "signups", _("Sign-ups")
        PLAN_CHANGES = "plan_changes", _("Plan changes")
        AI_REQUESTS = "ai_requests", _("AI requests by model")
        AI_COST = "ai_cost", _("AI cost by model (micro-dollars)")
        AI_TOKENS = "ai_tokens", _("AI tokens by model")
        AI_PROMPT_TOKENS = "ai_prompt_tokens", _("Prompt tokens")
        AI_CACHED_TOKENS = "ai_cached_tokens", _("Prompt tokens from the prompt cache")
        AI_CACHE_HITS = "ai_cache_hits", _("Answers from the response cache")
        AI_FALLBACKS = "ai_fallbacks", _("Fallback calls")
        AI_ERRORS = "ai_errors", _("Failed AI calls")
        AI_ROUTES = "ai_routes", _("Routing decisions")
        AI_TASKS = "ai_tasks", _("Generations by task")

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_stats"
    )
    day = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric)
    key = models.CharField(max_length=100, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "metric", "day", "key"], name="dailystat_unique"
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="dailystat_metric_day")]

    def __str__(self) -> str:
        return f"{self.metric}[{self.key}] {self.day} for {self.creator_id}: {self.value}"


class RouteStat(models.Model):
    """Requests of one route group in one hour: count, server errors and a latency
    histogram (counts per bucket of LATENCY_BUCKETS_MS), from the request middleware."""

    hour = models.DateTimeField()
    group = models.CharField(max_length=20)
    requests = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    buckets = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hour", "group"], name="routestat_unique")]

    def __str__(self) -> str:
        return f"{self.group} {self.hour:%Y-%m-%d %H}h: {self.requests}"


class Probe(models.Model):
    """One run of the beat's health probe (every minute)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ok = models.BooleanField()
    failed = models.CharField(max_length=100, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed: ' + self.failed}"


class ErrorReport(models.Model):
    """A request answered with a server error, for the ops dashboard's recent errors."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    group = models.CharField(max_length=20)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    exception = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    sentry_event_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}"


class AlertRule(models.Model):
    """A threshold staff set on one ops figure; crossing it opens an incident."""

    class Metric(models.TextChoices):
        ERROR_RATE = "error_rate", _("Server error rate, this hour and the last (%)")
        P95_MS = "p95_ms", _("p95 latency, this hour and the last (ms)")
        FAILED_PROBES = "failed_probes", _("Failed health probes, last 5 minutes")
        AI_COST_DAY = "ai_cost_day", _("AI cost today (USD)")
        WEBHOOK_FAILURES = "webhook_failures", _("Failed Stripe webhooks, last hour")

    metric = models.CharField(_("figure"), max_length=20, choices=Metric, unique=True)
    threshold = models.DecimalField(_("alert above"), max_digits=12, decimal_places=2)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert rule")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} > {self.threshold}"


class AlertIncident(models.Model):
    """A rule crossed: opened once (staff told), cleared once (staff told again)."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="incidents")
    opened_at = models.DateTimeField(auto_now_add=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            # At most one open incident per rule, even with two beat runs at once.
            models.UniqueConstraint(
                fields=["rule"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_open_incident_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} since {self.opened_at:%Y-%m-%d %H:%M}"
