from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "apps.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self) -> None:
        from . import audit, privacy, schema  # noqa: F401 - schema registers the API key scheme

        audit.connect()
        privacy.register_accounts()
