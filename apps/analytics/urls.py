from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="prometheus-django-metrics"),
    path("analytics/", views.creator_analytics, name="analytics"),
    path("analytics/export.csv", views.creator_analytics_csv, name="analytics_csv"),
    path("ops/", views.ops_dashboard, name="ops"),
    path("ops/alerts/", views.ops_alerts, name="ops_alerts"),
]
