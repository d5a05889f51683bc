"""Sentry, configured once. No personal data leaves the process."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration


def sentry_init(
    *, dsn: str, environment: str, traces_sample_rate: float, profiles_sample_rate: float
) -> None:
    """Start the Sentry SDK with the Django, Celery and Redis integrations.

    Personal data stays out of events: no user identity or IP address, no cookies, no request
    bodies, no query strings (they can carry e-mails and tokens), no local variables, no
    database query parameters, no AI prompts or drafts.
    """
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "stack_frame_variables": False,
            "database_query_data": False,
            "gen_ai": {"inputs": False, "outputs": False},
        },
        traces_sample_rate=traces_sample_rate,
        profiles_sample_rate=profiles_sample_rate,
    )
