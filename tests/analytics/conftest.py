import pytest
from django.utils import timezone

from apps.analytics.models import DailyStat
from apps.analytics.tasks import analytics_flush
from apps.content.library.services import content_item_create, content_item_publish
from tests.factories import UserFactory
from tests.subscriptions.conftest import webhook_endpoint  # noqa: F401 - used by test_pages

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


def figures(creator, day=None) -> dict[tuple[str, str], int]:
    """The creator's rolled-up figures for a day (today), after the minute's flush."""
    analytics_flush()
    day = day or timezone.localdate()
    return {
        (stat.metric, stat.key): stat.value
        for stat in DailyStat.objects.filter(creator=creator, day=day)
    }


@pytest.fixture
def luna(db, django_capture_on_commit_callbacks):
    creator = UserFactory(handle="luna", name="Luna")
    with django_capture_on_commit_callbacks(execute=True):
        post = content_item_create(user=creator, kind="post", title="Sunset", body="Gold.")
        content_item_publish(item=post)
    creator.post = post
    return creator
