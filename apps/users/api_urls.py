"""/api/v1/me/ and /api/v1/links/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("links/", api.LinkListApi.as_view(), name="api-links"),
    path("links/order/", api.LinkOrderApi.as_view(), name="api-links-order"),
    path("links/<uuid:link_id>/", api.LinkDetailApi.as_view(), name="api-link-detail"),
]
