"""/api/v1/generations/ and /api/v1/usage/."""

from django.urls import path

from . import api

urlpatterns = [
    path("generations/", api.GenerationListApi.as_view(), name="api-generations"),
    path(
        "generations/<uuid:job_id>/",
        api.GenerationDetailApi.as_view(),
        name="api-generation-detail",
    ),
    path("usage/", api.UsageApi.as_view(), name="api-usage"),
]
