from django.urls import path

from . import views

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("billing/", views.billing, name="billing"),
    path("billing/checkout/<slug:plan_key>/", views.checkout, name="billing_checkout"),
    path("billing/portal/", views.portal, name="billing_portal"),
    path("billing/success/", views.success, name="billing_success"),
    path("billing/cancel/", views.cancel, name="billing_cancel"),
]
