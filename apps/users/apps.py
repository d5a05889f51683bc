from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "apps.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self) -> None:
        from . import audit, privacy, schema  # noqa: F401 - schema registers the API key scheme

        audit.connect()
        post_migrate.connect(site_sync, sender=self, dispatch_uid="users.site_sync")
        privacy.register_accounts()


def site_sync(sender, **kwargs) -> None:
    """Every migrate (each release) names the site after SITE_URL: allauth's e-mails take
    the site's domain and name from it."""
    from urllib.parse import urlparse

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlparse(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Huntaze"}
    )
