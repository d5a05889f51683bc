from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.users import views as users_views

urlpatterns = [
    path("", include("apps.analytics.urls")),
    path("", include("apps.content.urls")),
    # Before allauth's own URLs: the code form that the e-mail's link pre-fills.
    path(
        "accounts/login/code/confirm/",
        users_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("apps.users.urls")),
    path("", include("apps.subscriptions.urls")),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("api/v1/", include("apps.users.api_urls")),
    path("api/v1/", include("apps.content.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("django_prometheus.urls")),
]

if settings.DEBUG and settings.MEDIA_PRIVATE_SERVED_BY_DJANGO:
    # Only the public half of the local media folder is served as plain files.
    urlpatterns += static(
        settings.MEDIA_URL + "public/",
        document_root=settings.STORAGES["public"]["OPTIONS"]["location"],
    )
