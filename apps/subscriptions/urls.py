"""Billing under /billing/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.billing, name="billing"),
    path("checkout/<slug:plan_key>/", views.checkout, name="billing_checkout"),
    path("portal/", views.portal, name="billing_portal"),
    path("success/", views.success, name="billing_success"),
    path("cancel/", views.cancel, name="billing_cancel"),
]
