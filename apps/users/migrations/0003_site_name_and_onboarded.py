from urllib.parse import urlparse

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlparse(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Huntaze"})
    User = apps.get_model("users", "User")
    for user in User.objects.filter(handle__isnull=False, onboarded_at__isnull=True):
        user.onboarded_at = user.created_at
        user.save(update_fields=["onboarded_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0002_profile_persona_links_api_keys"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
