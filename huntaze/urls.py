"""Every URL prefix of the site, each line naming the package that answers it (see
docs/architecture.md for the same table with what each package holds)."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.content.home import views as home_views
from apps.content.public import views as public_views
from apps.content.public.sitemaps import SITEMAPS
from apps.subscriptions import api as subscriptions_api
from apps.subscriptions import views as subscriptions_views
from apps.users import views as users_views
from apps.users.converters import HandleConverter

register_converter(HandleConverter, "handle")

# Staff log in to the admin through allauth, like everyone: two-factor and the log-in rate
# limits apply. The admin's own form took a password alone, without any limit.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # apps/analytics — liveness and readiness probes, /metrics (token or allowed network)
    path("", include("apps.analytics.urls")),
    # apps/content/home — the landing page (/) and the creator's dashboard (/dashboard/)
    path("", include("apps.content.home.urls")),
    # apps/content/studio — AI studio, generation jobs, assistant chat
    path("studio/", include("apps.content.studio.urls")),
    # apps/content/library — drafts, scheduled and published posts, their images
    path("content/", include("apps.content.library.urls")),
    # apps/content/library — private images behind signed links (local disk only)
    path("media/private/", include("apps.content.library.media_urls")),
    # apps/content/public — a creator's public page, posts, tracked links, follow
    # (a cached page is served earlier by apps/content/public/middleware.py)
    path("@<handle:handle>/", include("apps.content.public.urls")),
    # apps/content/public — a fan's feed, sitemap and robots.txt
    path("feed/", public_views.feed, name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_views.robots_txt, name="robots"),
    # apps/users — the log-in code form that the e-mail's link pre-fills (before allauth's)
    path(
        "accounts/login/code/confirm/",
        users_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    # apps/users — allauth's sign-up, with the role picked in advance (?role=fan)
    path("accounts/signup/", users_views.signup, name="account_signup"),
    # django-allauth (templates in templates/account, adapters in apps/users/adapters.py)
    path("accounts/", include("allauth.urls")),
    # apps/users — onboarding after sign-up
    path("welcome/", users_views.onboarding, name="onboarding"),
    # apps/users — profile, persona, links, API keys, security
    path("settings/", include("apps.users.urls")),
    # apps/users — the terms of service (/terms/) and the privacy policy (/privacy/)
    path("", include("apps.users.legal_urls")),
    # apps/subscriptions — plans and prices
    path("pricing/", include("apps.subscriptions.pricing_urls")),
    # apps/subscriptions — current plan, usage, invoices, checkout, customer portal
    path("billing/", include("apps.subscriptions.urls")),
    # apps/subscriptions — Stripe webhooks, checked before dj-stripe stores and processes
    # them (its URL below keeps the name; our handlers are in apps/subscriptions/webhooks.py)
    path("stripe/webhook/<uuid:endpoint_uuid>/", subscriptions_views.stripe_webhook),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    # The REST API, /api/v1/: each app's own resources
    path("api/v1/", include("apps.users.api_urls")),  # me/, links/
    path("api/v1/", include("apps.content.studio.api_urls")),  # generations/, usage/
    path("api/v1/content/", include("apps.content.library.api_urls")),
    path("api/v1/analytics/", include("apps.analytics.api_urls")),
    path("api/v1/subscription/", subscriptions_api.SubscriptionApi.as_view(), name="api-plan"),
    # drf-spectacular — the OpenAPI schema and its docs
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # apps/content/home — /favicon.ico, which browsers ask for whatever the page says
    path("favicon.ico", home_views.favicon, name="favicon"),
    # Django — language switch and the admin (apps' admin.py modules)
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.MEDIA_PRIVATE_SERVED_BY_DJANGO:
    # Media on the local disk (no S3): the public half is served by Django, in production
    # too (a CDN in front caches it); the private half only through signed links above.
    urlpatterns += [
        # apps/content/library — avatars and images of published posts
        path("media/public/", include("apps.content.library.public_media_urls")),
    ]

# Under /api/, Django's own 404 and 500 answer as problem details too.
handler400 = "apps.core.api.api_aware_400"
handler403 = "apps.core.api.api_aware_403"
handler404 = "apps.core.api.api_aware_404"
handler500 = "apps.core.api.api_aware_500"
