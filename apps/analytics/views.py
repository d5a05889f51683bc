import csv
import hmac
import ipaddress

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_prometheus.exports import ExportToDjangoView

from apps.core.decorators import creator_required, staff_required
from apps.core.http import client_ip

from .charts import bar_chart
from .forms import AlertRulesForm
from .health import readiness_report
from .models import AlertIncident, AlertRule
from .ops import ops_overview
from .selectors import PERIODS, creator_period


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No I/O, so a slow database never restarts the web tier."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache, broker and storage answer. 503 names what failed."""
    checks = readiness_report()
    failed = sorted(name for name, result in checks.items() if not result["ok"])
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for a scraper with the bearer token or from an allowed network;
    everyone else gets a 404, as if there were nothing here."""
    if not _metrics_allowed(request):
        raise Http404
    return ExportToDjangoView(request)


# Creators' analytics ---------------------------------------------------------------------


def _days(request: HttpRequest) -> int:
    """The period asked for in ?days= (7, 30 or 90); 30 for anything else."""
    raw = request.GET.get("days", "")
    return int(raw) if raw in {str(days) for days in PERIODS} else 30


@require_GET
@creator_required
def creator_analytics(request: HttpRequest) -> HttpResponse:
    period = creator_period(creator=request.user, days=_days(request))
    # Month or weekday names in the page's language.
    label = "M j" if period.days > 7 else "D j"

    def points(column: str) -> list[tuple[str, int]]:
        return [(date_format(row["day"], label), row[column]) for row in period.series]

    charts = [
        {"id": "views", "title": _("Page views per day"), "chart": bar_chart(points("views"))},
        {"id": "clicks", "title": _("Link clicks per day"), "chart": bar_chart(points("clicks"))},
    ]
    return render(
        request,
        "analytics/creator.html",
        {"period": period, "periods": PERIODS, "charts": charts},
    )


@require_GET
@creator_required
def creator_analytics_csv(request: HttpRequest) -> HttpResponse:
    """The period's daily figures as CSV, for a spreadsheet."""
    period = creator_period(creator=request.user, days=_days(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"huntaze-analytics-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    columns = ["views", "visitors", "clicks", "follows", "generations", "ai_cost_usd"]
    writer.writerow(["day", *columns])
    for row in period.series:
        writer.writerow([row["day"].isoformat(), *(row[column] for column in columns)])
    return response


# The staff's ops dashboard ---------------------------------------------------------------


@require_GET
@staff_required
def ops_dashboard(request: HttpRequest) -> HttpResponse:
    context = ops_overview()
    context["sentry_event_url"] = settings.SENTRY_EVENT_URL
    context["alerting_to_webhook"] = settings.OPS_ALERT_WEBHOOK_URL.startswith(
        ("https://", "http://")
    )
    return render(request, "analytics/ops.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def ops_alerts(request: HttpRequest) -> HttpResponse:
    rules = {rule.metric: rule for rule in AlertRule.objects.all()}
    form = AlertRulesForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        for metric, _label in AlertRule.Metric.choices:
            enabled = form.cleaned_data[f"{metric}_enabled"]
            threshold = form.cleaned_data[f"{metric}_threshold"]
            if threshold is None:
                AlertRule.objects.filter(metric=metric).update(enabled=False)
                continue
            AlertRule.objects.update_or_create(
                metric=metric, defaults={"threshold": threshold, "enabled": enabled}
            )
        messages.success(request, _("Alert rules saved. They are checked every minute."))
        return redirect("ops_alerts")
    incidents = AlertIncident.objects.select_related("rule").order_by("-opened_at")[:20]
    return render(
        request,
        "analytics/alerts.html",
        {
            "form": form,
            "incidents": incidents,
            "webhook": settings.OPS_ALERT_WEBHOOK_URL.startswith(("https://", "http://")),
        },
        status=400 if form.is_bound else 200,
    )
