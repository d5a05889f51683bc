"""The Celery app. Configured from the CELERY_* Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huntaze.settings.local")

app = Celery("huntaze")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
