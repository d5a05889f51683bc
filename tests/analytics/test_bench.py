"""analytics_bench: fills its own scratch database, rolls it up, times the pages."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.users.models import User


@pytest.mark.django_db(transaction=True)
def test_the_bench_times_both_pages_on_a_scratch_database_and_drops_it(settings):
    settings.ALLOWED_HOSTS = ["bench.local"]
    before = connection.settings_dict["NAME"]
    out = io.StringIO()
    call_command("analytics_bench", events=3000, creators=5, requests=3, stdout=out)
    report = out.getvalue()
    for page in ("/analytics/?days=7", "/analytics/?days=90", "/ops/"):
        assert page in report and "p95" in report
    assert "Rolled up" in report and "200 ms budget" in report
    # Back on the test database, which the bench never touched; the scratch one is gone.
    assert connection.settings_dict["NAME"] == before
    assert not User.objects.filter(email__startswith="bench").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname LIKE %s", [f"{before}_analytics%"])
        assert cursor.fetchone() is None


def test_the_bench_refuses_nonsense(db):
    with pytest.raises(CommandError, match="positive"):
        call_command("analytics_bench", events=0, stdout=io.StringIO())
