"""Test run: the real PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, tuned for speed.

In CI (CI=true) both services are required: a missing one fails the run instead of quietly
testing against SQLite and local memory.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

if env.bool("CI", default=False):
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(f"CI=true but {', '.join(missing)} is not set.")

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Each test worker gets its own cache namespace so parallel runs never see each other's keys.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
# Tasks run inline in tests; the Celery round-trip test switches to the real broker itself.
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default="/tmp/huntaze-test-media")
if not AWS_STORAGE_BUCKET_NAME:  # noqa: F405
    STORAGES.update(local_media_storages(MEDIA_ROOT, MEDIA_URL))  # noqa: F405
# Static files come from the source folders through the finders; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
