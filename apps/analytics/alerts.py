"""Staff's alert rules, checked every minute by the beat: a crossed threshold opens one
incident and tells staff (e-mail, and a Slack-compatible webhook when set); going back
under it clears the incident and tells them again. Never twice for the same incident."""

import datetime
import json
import logging
import urllib.request
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.subscriptions.selectors import webhook_failures_since
from apps.users.selectors import staff_emails

from .models import AlertIncident, AlertRule, DailyStat, Probe, RouteStat
from .ops import buckets_add, percentile_ms
from .services import today

logger = logging.getLogger(__name__)
Metric = AlertRule.Metric


def _recent_requests() -> tuple[int, int, list[int]]:
    """Requests, server errors and the latency histogram of this hour and the last."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    requests = errors = 0
    buckets: list[int] = []
    for stat in RouteStat.objects.filter(hour__gte=hour - datetime.timedelta(hours=1)):
        requests += stat.requests
        errors += stat.errors
        buckets_add(buckets, stat.buckets)
    return requests, errors, buckets


def metric_value(metric: str) -> Decimal:
    now = timezone.now()
    if metric == Metric.ERROR_RATE:
        requests, errors, _ = _recent_requests()
        return (
            Decimal(100 * errors / requests).quantize(Decimal("0.01")) if requests else Decimal(0)
        )
    if metric == Metric.P95_MS:
        _, _, buckets = _recent_requests()
        return Decimal(percentile_ms(buckets, 0.95) or 0)
    if metric == Metric.FAILED_PROBES:
        since = now - datetime.timedelta(minutes=5)
        return Decimal(Probe.objects.filter(at__gte=since, ok=False).count())
    if metric == Metric.AI_COST_DAY:
        micro = DailyStat.objects.filter(metric=DailyStat.Metric.AI_COST, day=today()).aggregate(
            total=Sum("value")
        )["total"]
        return (Decimal(micro or 0) / 1_000_000).quantize(Decimal("0.01"))
    if metric == Metric.WEBHOOK_FAILURES:
        return Decimal(webhook_failures_since(since=now - datetime.timedelta(hours=1)))
    raise ValueError(f"unknown alert metric {metric!r}")


def _notify(subject: str, text: str) -> None:
    """E-mail every active member of staff; post to the webhook when one is set. A channel
    that fails is logged and the other still goes."""
    recipients = staff_emails()
    if recipients:
        try:
            send_mail(subject, text, None, recipients)
        except Exception:
            logger.exception("alert e-mail not sent")
    url = settings.OPS_ALERT_WEBHOOK_URL
    if url.startswith(("https://", "http://")):
        body = json.dumps({"text": f"*{subject}*\n{text}"}).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                response.read()
        except Exception:  # a bad URL or reply must not stop the other rules' checks
            logger.exception("alert not posted to the webhook")


# An incident clears only once the figure is back under 90% of the threshold, so a figure
# hovering at the line does not open and clear an incident every minute.
CLEAR_RATIO = Decimal("0.9")


def alerts_check() -> list[str]:
    """Open or clear incidents; returns what was said ("opened: …", "cleared: …"). A rule
    turned off clears its open incident."""
    said = []
    open_rules = AlertIncident.objects.filter(cleared_at__isnull=True).values("rule_id")
    for rule in AlertRule.objects.filter(Q(enabled=True) | Q(pk__in=open_rules)):
        value = metric_value(rule.metric)
        crossed = rule.enabled and value > rule.threshold
        incident = rule.incidents.filter(cleared_at__isnull=True).first()
        label = rule.get_metric_display()
        if incident is not None and not crossed and rule.enabled:
            crossed = value > rule.threshold * CLEAR_RATIO  # not clear of it yet
        if crossed and incident is None:
            try:
                with transaction.atomic():
                    AlertIncident.objects.create(rule=rule, value=value)
            except IntegrityError:
                continue  # another run opened it a moment ago and told staff
            _notify(
                f"[Huntaze] Alert: {label}",
                f"{label} is {value}, above the threshold of {rule.threshold}.",
            )
            said.append(f"opened: {rule.metric}")
        elif not crossed and incident is not None:
            cleared = AlertIncident.objects.filter(pk=incident.pk, cleared_at__isnull=True).update(
                cleared_at=timezone.now(), cleared_value=value
            )
            if cleared:
                _notify(
                    f"[Huntaze] Cleared: {label}",
                    f"{label} is back to {value} (threshold {rule.threshold}); "
                    f"the incident opened at {incident.opened_at:%Y-%m-%d %H:%M} UTC is over.",
                )
                said.append(f"cleared: {rule.metric}")
    return said
