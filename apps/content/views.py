from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.subscriptions.plans import DEFAULT_PLANS


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what Huntaze does for a creator, the plans, and sign-up."""
    return render(request, "content/home.html", {"plans": DEFAULT_PLANS})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The creator's home. Sections fill in as the studio, library and analytics land."""
    return render(request, "content/dashboard.html", {})
