import pytest

from apps.users.models import ApiKey
from apps.users.services import api_key_create, link_create
from tests.factories import UserFactory


def bearer(user, scope=ApiKey.Scope.READ_WRITE) -> dict:
    _key, raw = api_key_create(user=user, name="script", scope=scope)
    return {"authorization": f"Bearer {raw}"}


@pytest.fixture
def owner(db):
    """A creator on a plan with API access, with a link and a draft."""
    from apps.content.library.services import content_item_create

    user = UserFactory(handle="luna", tier="pro")
    user.link = link_create(user=user, title="Shop", url="https://shop.example.com/")
    user.item = content_item_create(user=user, kind="post", title="Hello", body="First post")
    return user


@pytest.fixture
def auth(owner) -> dict:
    return bearer(owner)


@pytest.fixture
def azure(settings):
    from tests.content.conftest import azure as content_azure

    yield from content_azure.__wrapped__(settings)
