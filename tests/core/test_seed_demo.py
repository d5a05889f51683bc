import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from apps.users.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=True"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_is_idempotent_and_prints_the_logins(settings, capsys, client):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo@huntaze.local" in out and "staff@huntaze.local" in out

    assert User.objects.count() == 2
    demo = User.objects.get(handle="demo")
    assert demo.role == User.Role.CREATOR
    assert User.objects.get(email="staff@huntaze.local").is_staff
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 2

    # The printed log-in works through allauth's real log-in page.
    response = client.post(
        "/accounts/login/", {"login": "demo@huntaze.local", "password": "huntaze-demo"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    # The demo has figures to show in its analytics, the same after a second run.
    analytics = client.get("/analytics/?days=30")
    assert analytics.status_code == 200, analytics.get("Location")
    period = analytics.context["period"]
    assert period.totals["views"].current > 1000 and period.links and period.posts
    call_command("seed_demo")
    client.force_login(User.objects.get(handle="demo"))  # seeding ends sessions (new password)
    again = client.get("/analytics/?days=30").context["period"]
    assert again.totals["views"].current == period.totals["views"].current
