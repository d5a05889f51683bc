from django.db import migrations

from apps.subscriptions.plans import DEFAULT_PLANS


def forwards(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    for key, name, cents, lookup, rank, requests, strong, api, links, media, pitch in DEFAULT_PLANS:
        Plan.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "price_month_cents": cents,
                "stripe_lookup_key": lookup,
                "rank": rank,
                "ai_requests_month": requests,
                "strong_model": strong,
                "api_access": api,
                "max_links": links,
                "media_mb": media,
                "pitch": pitch,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
