"""/api/v1/me/."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.MeApi.as_view(), name="api-me"),
]
