"""Settings shared by every environment.

Every value that differs between machines comes from the environment. With nothing set, the
project runs on embedded defaults (SQLite, local-memory cache, eager Celery, local media, console
e-mail, offline AI, Stripe off) so that `make run` works on a fresh machine. Each variable in
the README's configuration table switches one part to the real service.
"""

import ipaddress
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS_DIR = BASE_DIR / "apps"

env = environ.Env()
# A local .env is a convenience for developers; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-0123456789abcdef")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_ID = 1
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# backup_db keeps this many dumps in the private storage and deletes older ones.
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="huntaze"),
            # Short timeouts: a stuck Redis must surface as an error, not a hung request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "huntaze.urls"
WSGI_APPLICATION = "huntaze.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # The admin with Huntaze's site (huntaze/admin.py): branding, app order, overview.
    "huntaze.admin.HuntazeAdminConfig",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_prometheus",
    "csp",
    "djstripe",
]
LOCAL_APPS = [
    "apps.users",
    "apps.content",
    "apps.core",
    "apps.subscriptions",
    "apps.analytics",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth
# The proxies (load balancer, CDN) in front of the app, which add to X-Forwarded-For, in one
# variable read by the log-in rate limits (allauth, through apps/users/adapters.py), by
# apps/core/http.client_ip and by gunicorn (gunicorn.conf.py). TRUSTED_PROXIES is either
# a count ("1": the entry the nearest proxy added is the client; anything before it is the
# client's to make up) or a list of the proxies' addresses or CIDR ranges ("10.0.0.0/8"):
# the client is the nearest address outside them. Unset or 0: the socket's address.
# (TRUSTED_PROXY_COUNT is the earlier name of the count.)
_trusted_proxies = env("TRUSTED_PROXIES", default="") or env("TRUSTED_PROXY_COUNT", default="0")
if _trusted_proxies.strip().isdigit():
    TRUSTED_PROXY_COUNT = int(_trusted_proxies)
    TRUSTED_PROXY_NETWORKS: list = []
else:
    TRUSTED_PROXY_COUNT = 0
    TRUSTED_PROXY_NETWORKS = [
        ipaddress.ip_network(value.strip(), strict=False)
        for value in _trusted_proxies.split(",")
        if value.strip()
    ]
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_ADAPTER = "apps.users.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "apps.users.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "apps.users.forms.LoginForm", "signup": "apps.users.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Huntaze: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# Log-in by code, with a one-click link added to the e-mail by our adapter.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 180
# allauth's default rate limits (log-in 30/m/ip; failed log-ins 10/m/ip and 5/5m per account;
# codes 3/m per address; resets 5/m per address) live in the shared cache. A cache outage
# refuses log-in with a 503 (ServiceUnavailableMiddleware) instead of lifting the limits.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_QUERY_EMAIL = True
# OAuth providers come from the environment only (no database rows) and show up when set.
SOCIALACCOUNT_PROVIDERS = {}
if env("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env("GOOGLE_CLIENT_ID"), "secret": env("GOOGLE_CLIENT_SECRET")}],
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "OAUTH_PKCE_ENABLED": True,
    }
if env("GITHUB_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APPS": [{"client_id": env("GITHUB_CLIENT_ID"), "secret": env("GITHUB_CLIENT_SECRET")}],
        "SCOPE": ["read:user", "user:email"],
    }
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Huntaze"
# One 30-second step either side: phones drift, and a code typed as it rolls over still works.
MFA_TOTP_TOLERANCE = 1
# Recording activity costs four queries on every request; the session list shows log-in
# time and device, which is what people check.
USERSESSIONS_TRACK_ACTIVITY = False

# METRICS
# ------------------------------------------------------------------------------
# /metrics answers a scraper sending "Authorization: Bearer <METRICS_TOKEN>", or one whose
# address (see TRUSTED_PROXY_COUNT) is in METRICS_ALLOWED_IPS (addresses or CIDR ranges).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(value.strip(), strict=False)
    for value in env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
    if value.strip()
]

# ANALYTICS
# ------------------------------------------------------------------------------
# Fans' views and clicks are counted in Redis and rolled up every minute; without Redis
# (the embedded defaults) they are kept as rows and rolled up the same way.
ANALYTICS_SINK = "redis" if REDIS_URL else "database"
# Raw events (follows, sign-ups, plan changes; views where there is no Redis) are deleted
# after this many days; the daily roll-ups stay.
ANALYTICS_RAW_EVENT_DAYS = env.int("ANALYTICS_RAW_EVENT_DAYS", default=90)
# Alerts go to staff by e-mail and, when set, to a Slack-compatible incoming webhook.
OPS_ALERT_WEBHOOK_URL = env("OPS_ALERT_WEBHOOK_URL", default="")
# Links from the ops dashboard's errors to Sentry, e.g. https://sentry.io/organizations/acme/issues/?query=
SENTRY_EVENT_URL = env("SENTRY_EVENT_URL", default="")

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First: every request gets its id (X-Request-ID) and one log line, cached pages too.
    "apps.core.request_id.RequestIdMiddleware",
    # Latency and errors per route group, and the fans' analytics, in one Redis round trip.
    "apps.analytics.middleware.RequestMetricsMiddleware",
    "apps.core.api.RateLimitHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Security headers wrap the cached fans' pages too, so they come before the fast path.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.content.public.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "apps.users.middleware.ServiceUnavailableMiddleware",
    "apps.users.middleware.UserTimezoneMiddleware",
    "apps.users.audit.AuditRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")


def local_media_storages(media_root, media_url: str) -> dict:
    """Media on the local disk: private files are served by a signed-URL view."""
    root = Path(str(media_root))
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root / "private", "base_url": media_url + "private/"},
        },
        "public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root / "public", "base_url": media_url + "public/"},
        },
    }


# Media lives in two storages: "default" is private (drafts; served through expiring signed
# URLs) and "public" holds what fans may see (avatars, media of published posts).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=60 * 60)
# Local disk has no signed URLs of its own; a Django view signs and serves private files.
MEDIA_PRIVATE_SERVED_BY_DJANGO = not AWS_STORAGE_BUCKET_NAME
if AWS_STORAGE_BUCKET_NAME:
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "file_overwrite": False,
    }
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "location": "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": MEDIA_SIGNED_URL_SECONDS,
            },
        },
        "public": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "location": "public",
                "default_acl": "public-read",
                "querystring_auth": False,
                "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            },
        },
    }
else:
    STORAGES = local_media_storages(MEDIA_ROOT, MEDIA_URL)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.subscriptions.gating.plan_context",
            ],
        },
    },
]

# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# No inline scripts or styles anywhere, so the policy can forbid them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"],
    }
}

# E-MAIL
# ------------------------------------------------------------------------------
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env(
        "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Huntaze <hello@huntaze.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# UPLOADS
# ------------------------------------------------------------------------------
AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=5 * 1024 * 1024)
AVATAR_SIZE_PX = 512
COVER_WIDTH_PX = 1500
MEDIA_MAX_BYTES = env.int("MEDIA_MAX_BYTES", default=15 * 1024 * 1024)
MEDIA_MAX_SIDE_PX = 2048
MEDIA_THUMB_PX = 480
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ADMIN
# ------------------------------------------------------------------------------
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "apps.core.request_id.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"},
        "json": {"()": "apps.core.request_id.JsonLogFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("DJANGO_LOG_FORMAT", default="plain"),
            "filters": ["request"],
        }
    },
    "root": {"level": env("DJANGO_LOG_LEVEL", default="INFO"), "handlers": ["console"]},
    "loggers": {
        # Django gives its logger a console handler of its own in DEBUG; with the root's,
        # every line of `make run` was printed twice. One handler, the root's.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per HTTP call of the openai SDK is noise; errors still show.
        "httpx2": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        # One line per request from apps.core.request_id (production turns it to INFO);
        # runserver prints its own in development.
        "huntaze.request": {"level": env("DJANGO_REQUEST_LOG_LEVEL", default="WARNING")},
    },
}

# CELERY
# ------------------------------------------------------------------------------
# Without a broker the tasks run inline, so the embedded defaults need no worker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=4 * 60)
# Tasks are written to be idempotent, so a message is acknowledged only once it is done and
# redelivered if the worker dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through Django's LOGGING (JSON lines in production, with the request id the
# task came with) rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that enqueues must answer even with the broker down: connecting gives up after
# a second, and apps.core.tasks.enqueue keeps the job queued for the beat's requeue sweep.
# (kombu reads max_retries and interval_* when a producer first connects; the worker keeps
# its own reconnect loop.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULE = {
    "health-probe": {"task": "apps.analytics.tasks.health_probe", "schedule": 60.0},
    "analytics-flush": {"task": "apps.analytics.tasks.analytics_flush", "schedule": 60.0},
    "analytics-prune": {"task": "apps.analytics.tasks.analytics_prune", "schedule": 24 * 3600.0},
    "alerts-check": {"task": "apps.analytics.tasks.alerts_check", "schedule": 60.0},
    "idempotency-expire": {"task": "apps.core.tasks.idempotency_expire", "schedule": 3600.0},
    "publish-due": {"task": "apps.content.tasks.publish_due", "schedule": 60.0},
    "generation-requeue": {"task": "apps.content.tasks.generation_requeue", "schedule": 60.0},
    "trash-purge": {"task": "apps.content.tasks.trash_purge", "schedule": 24 * 3600.0},
    "data-exports-expire": {"task": "apps.users.tasks.data_exports_expire", "schedule": 3600.0},
    "data-exports-requeue": {"task": "apps.users.tasks.data_exports_requeue", "schedule": 60.0},
    "reconcile-subscriptions": {
        "task": "apps.subscriptions.tasks.reconcile_subscriptions",
        "schedule": 60.0 * 60 * 24,
    },
}

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.users.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every API call: logged in (key or session), on a plan with API access (403 with the
    # upgrade path otherwise), and a read-only key only reads.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.subscriptions.gating.HasPlanApiAccess",
        "apps.users.authentication.KeyScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["apps.subscriptions.gating.PlanRateThrottle"],
    # JSON only: an error is a problem whatever the Accept header (the docs at /api/docs/
    # replace DRF's HTML pages).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Service exceptions (ValidationError, UpgradeRequired) become responses in one place.
    "EXCEPTION_HANDLER": "apps.core.api.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.CursorPage",
    "PAGE_SIZE": 50,
}
# API requests per key (or per browser session) and minute, by plan.
API_RATES = {
    "default": env("API_RATE_DEFAULT", default="60/min"),
    "pro": env("API_RATE_PRO", default="120/min"),
    "business": env("API_RATE_BUSINESS", default="600/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Huntaze API",
    "DESCRIPTION": "The creator's own content, generation jobs, usage, analytics and plan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint: for account holders (session or API key), not anyone.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {"TaskEnum": "apps.content.ai.task_types.TaskType"},
    # Every list is cursor-paginated and every error a problem (RFC 9457).
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# AI
# ------------------------------------------------------------------------------
# offline (deterministic drafts, the embedded default) | azure | openai
AI_PROVIDER = env("AI_PROVIDER", default="offline")
AZURE_OPENAI_ENDPOINT = env("AZURE_OPENAI_ENDPOINT", default="")
AZURE_OPENAI_API_KEY = env("AZURE_OPENAI_API_KEY", default="")
AZURE_OPENAI_API_VERSION = env("AZURE_OPENAI_API_VERSION", default="2024-10-21")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="")
OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
# The two models and the deployment (Azure) or model name (OpenAI-compatible) serving each.
AI_MODELS = {
    "mini": {
        "model": "gpt-4o-mini",
        "deployment": env("AZURE_OPENAI_DEPLOYMENT_MINI", default="gpt-4o-mini"),
    },
    "strong": {
        "model": "gpt-4o",
        "deployment": env("AZURE_OPENAI_DEPLOYMENT_STRONG", default="gpt-4o"),
    },
}
# USD per 1M tokens: input, cached input, output.
AI_PRICES = {
    "gpt-4o": {"input": 2.50, "cached": 1.25, "output": 10.00},
    "gpt-4o-mini": {"input": 0.15, "cached": 0.075, "output": 0.60},
}
# 30 s x (1 + 2 retries) x 2 deployments stays under the Celery soft time limit (240 s).
AI_TIMEOUT_SECONDS = env.float("AI_TIMEOUT_SECONDS", default=30.0)
# Retries by the openai SDK: exponential backoff, honouring Retry-After on 429 and 5xx.
AI_MAX_RETRIES = env.int("AI_MAX_RETRIES", default=2)
# A ceiling, not a target: each task asks for what it needs; this only stops a runaway answer.
AI_MAX_OUTPUT_TOKENS = env.int("AI_MAX_OUTPUT_TOKENS", default=4096)
AI_RESPONSE_CACHE_TTL = env.int("AI_RESPONSE_CACHE_TTL", default=60 * 60 * 24)
# An explicit length at or above this many words is long form (apps/content/ai/router.py);
# the classifiers' thresholds come with the trained model.
AI_ROUTER = {
    "long_output_words": 800,
}

# STRIPE
# ------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_ENABLED = bool(STRIPE_SECRET_KEY)
# dj-stripe reads the key by mode; a live key (sk_live_) switches live mode on.
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith("sk_live_")
STRIPE_LIVE_SECRET_KEY = STRIPE_SECRET_KEY if STRIPE_LIVE_MODE else ""
STRIPE_TEST_SECRET_KEY = "" if STRIPE_LIVE_MODE else STRIPE_SECRET_KEY
# Pinned: webhook payloads and API answers are read in this version's shape.
STRIPE_API_VERSION = "2024-06-20"
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_USE_NATIVE_JSONFIELD = True
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# Only for a local Stripe-compatible server (tests); Stripe itself needs no setting.
if env("STRIPE_API_HOST", default=""):
    STRIPE_API_HOST = env("STRIPE_API_HOST")

# SENTRY
# ------------------------------------------------------------------------------
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="local")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
SENTRY_PROFILES_SAMPLE_RATE = env.float("SENTRY_PROFILES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from huntaze.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        profiles_sample_rate=SENTRY_PROFILES_SAMPLE_RATE,
    )
