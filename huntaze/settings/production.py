"""Production: secrets come from the environment with no default, and the app fails loudly
without them. Runs behind a TLS-terminating load balancer."""

import os

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS")
_missing = [name for name in REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Absolute links (e-mails, og:url, sitemaps, robots.txt) name the site, never the embedded
# 127.0.0.1 default: SITE_URL, or the first allowed host over HTTPS.
SITE_URL = env("SITE_URL", default="https://" + ALLOWED_HOSTS[0].lstrip("."))
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The load balancer terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer probes over plain HTTP; these answer without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]
TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405

LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="INFO")  # noqa: F405
# JSON lines on stdout for the log collector (CloudWatch, Datadog...): level, logger,
# message, request id, user id, route, status, duration.
LOGGING["handlers"]["console"]["formatter"] = env("DJANGO_LOG_FORMAT", default="json")  # noqa: F405
LOGGING["loggers"]["huntaze.request"]["level"] = env(  # noqa: F405
    "DJANGO_REQUEST_LOG_LEVEL", default="INFO"
)
