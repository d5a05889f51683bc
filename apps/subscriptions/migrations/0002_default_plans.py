from django.db import migrations

from apps.subscriptions.plans import DEFAULT_PLANS


def forwards(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    for row in DEFAULT_PLANS:
        fields = dict(row)
        Plan.objects.update_or_create(key=fields.pop("key"), defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
