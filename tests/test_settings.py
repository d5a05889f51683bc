"""The configuration table of the README: embedded defaults, one variable per real service,
and production settings that refuse to start without their secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "AI_PROVIDER",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "SENTRY_DSN",
    "EMAIL_URL",
    "DJANGO_EMAIL_BACKEND",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
)

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "ai": settings.AI_PROVIDER,
    "stripe": settings.STRIPE_ENABLED,
    "debug": settings.DEBUG,
}))
"""


def _clean_env(settings_module: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **extra)
    return env


def _probe(settings_module: str = "huntaze.settings.local", **extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_clean_env(settings_module, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_runs_on_the_embedded_defaults():
    probe = _probe()
    assert probe == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "broker": "memory://localhost/",
        "storage": "django.core.files.storage.FileSystemStorage",
        "email": "django.core.mail.backends.console.EmailBackend",
        "ai": "offline",
        "stripe": False,
        "debug": True,
    }


def test_each_variable_switches_one_part_to_the_real_service():
    probe = _probe(
        DATABASE_URL="postgres://u:p@db.internal:5432/huntaze",
        REDIS_URL="redis://cache.internal:6379/0",
        AWS_STORAGE_BUCKET_NAME="media-bucket",
        EMAIL_URL="smtp://mailer:secret@smtp.internal:587",
        AI_PROVIDER="azure",
        STRIPE_SECRET_KEY="sk_test_123",
    )
    assert probe["db"] == "django.db.backends.postgresql"
    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert probe["eager"] is False
    assert probe["broker"] == "redis://cache.internal:6379/0"
    assert probe["storage"] == "storages.backends.s3.S3Storage"
    assert probe["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert probe["ai"] == "azure"
    assert probe["stripe"] is True


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = _production_env()
    del env[missing]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_clean_env("huntaze.settings.production", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def _production_env() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": "a" * 20 + "-very-long-and-random-production-secret-" + "z" * 20,
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/huntaze",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "huntaze.example.com",
    }


def test_production_passes_the_deploy_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_clean_env("huntaze.settings.production", **_production_env()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROD_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "proxy": list(settings.SECURE_PROXY_SSL_HEADER),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "proxies": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "site": settings.SITE_URL,
}))
"""


def test_production_trusts_the_load_balancer_and_secures_cookies():
    result = subprocess.run(
        [sys.executable, "-c", PROD_PROBE],
        cwd=ROOT,
        env=_clean_env("huntaze.settings.production", TRUSTED_PROXY_COUNT="1", **_production_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "session_secure": True,
        "session_httponly": True,
        "csrf_secure": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "proxies": 1,  # the log-in limits see the client behind the balancer
        "site": "https://huntaze.example.com",  # links name the site, not 127.0.0.1
    }


def test_a_log_line_is_printed_once_by_the_development_server_settings():
    code = (
        "import django; django.setup(); import logging; "
        "logging.getLogger('django.request').warning('printed-once')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env("huntaze.settings.local", DJANGO_DEBUG="true"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert (result.stdout + result.stderr).count("printed-once") == 1


PROXY_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "count": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "networks": [str(n) for n in settings.TRUSTED_PROXY_NETWORKS],
}))
"""


@pytest.mark.parametrize(
    ("value", "count", "networks", "gunicorn"),
    [
        ("1", 1, [], "127.0.0.1,::1"),
        ("10.0.0.0/8, 192.0.2.7", 0, ["10.0.0.0/8", "192.0.2.7/32"], "10.0.0.0/8, 192.0.2.7"),
        ("", 0, [], "127.0.0.1,::1"),
    ],
)
def test_one_trusted_proxies_setting_feeds_the_app_and_gunicorn(value, count, networks, gunicorn):
    import runpy

    from gunicorn.config import Config

    env = _clean_env("huntaze.settings.production", TRUSTED_PROXIES=value, **_production_env())
    result = subprocess.run(
        [sys.executable, "-c", PROXY_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "count": count,
        "networks": networks,
    }
    saved = os.environ.get("TRUSTED_PROXIES")
    os.environ["TRUSTED_PROXIES"] = value
    try:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        if saved is None:
            os.environ.pop("TRUSTED_PROXIES")
        else:
            os.environ["TRUSTED_PROXIES"] = saved
    assert conf["forwarded_allow_ips"] == gunicorn
    config = Config()
    config.set("forwarded_allow_ips", conf["forwarded_allow_ips"])  # gunicorn accepts it
    assert config.forwarded_allow_ips


@pytest.mark.django_db
def test_migrate_names_the_site_after_site_url(settings):
    from django.contrib.sites.models import Site

    from apps.users.apps import site_sync

    settings.SITE_URL = "https://huntaze.example.com"
    site_sync(sender=None)
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("huntaze.example.com", "Huntaze")


def test_production_logs_json_lines_on_stdout():
    probe = (
        "import django, logging; django.setup(); "
        "logging.getLogger('apps.example').warning('hello %s', 'world')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=_clean_env("huntaze.settings.production", **_production_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "apps.example"
    assert line["message"] == "hello world" and "time" in line and "request_id" in line
