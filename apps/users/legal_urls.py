"""The terms of service and the privacy policy, at /terms/ and /privacy/."""

from django.urls import path

from . import views

urlpatterns = [
    path("terms/", views.legal_terms, name="legal_terms"),
    path("privacy/", views.legal_privacy, name="legal_privacy"),
]
