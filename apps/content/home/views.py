from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from apps.subscriptions.plans import plan_list

from .selectors import dashboard_summary


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what Huntaze does for a creator, the plans, and sign-up."""
    return render(request, "content/home/home.html", {"plans": plan_list()})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The creator's home: what goes out next, recent drafts, this week's clicks, shortcuts."""
    if not request.user.is_creator:
        return redirect("feed")
    summary = dashboard_summary(user=request.user)
    context = {"summary": summary, "drafts": summary.drafts, "scheduled": summary.scheduled}
    return render(request, "content/home/dashboard.html", context)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon where browsers look for it first (resolved per request, so a missing
    static manifest can never break the URL configuration)."""
    return redirect(static("img/favicon.svg"), permanent=True)
