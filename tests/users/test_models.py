import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from apps.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_normalised():
    user = User.objects.create_user("Someone@Example.COM", "pw-123456789")
    assert user.email == "someone@example.com"
    assert User.USERNAME_FIELD == "email"
    assert User.objects.get_by_natural_key("SOMEONE@example.com") == user
    assert user.check_password("pw-123456789")
    assert user.role == User.Role.CREATOR
    assert user.tier == "free"
    assert user.created_at is not None and user.updated_at is not None


def test_handle_is_unique_ignoring_case():
    UserFactory(handle="luna")
    with pytest.raises(IntegrityError):
        UserFactory(handle="LUNA")


def test_fans_may_share_an_empty_handle():
    UserFactory(handle=None, role=User.Role.FAN)
    UserFactory(handle=None, role=User.Role.FAN)
    assert User.objects.filter(handle__isnull=True).count() == 2


@pytest.mark.parametrize("bad", ["ab", "-luna", "luna-", "Luna Star", "x" * 31, "luna_"])
def test_invalid_handles_are_refused(bad):
    user = UserFactory.build(handle=bad)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "handle" in excinfo.value.message_dict


def test_superuser_is_staff():
    admin = User.objects.create_superuser("boss@example.com", "pw-123456789")
    assert admin.is_staff and admin.is_superuser


def test_admin_lists_searches_and_filters_users(client, staff_user):
    UserFactory(email="luna@example.com", handle="luna", tier="pro")
    UserFactory(email="max@example.com", handle="maxi")
    client.force_login(staff_user)

    response = client.get("/admin/users/user/", {"q": "luna"})
    assert response.status_code == 200
    assert b"luna@example.com" in response.content
    assert b"max@example.com" not in response.content

    response = client.get("/admin/users/user/", {"tier__exact": "pro"})
    assert b"luna@example.com" in response.content
    assert b"max@example.com" not in response.content

    response = client.get("/admin/users/user/add/")
    assert response.status_code == 200


def test_admin_creates_a_user(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        "/admin/users/user/add/",
        {
            "email": "new@example.com",
            "handle": "newbie",
            "role": "creator",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(email="new@example.com").handle == "newbie"


def test_admin_shows_persona_links_and_keys_of_a_user(client, staff_user):
    from apps.users.services import api_key_create, link_create, persona_update

    creator = UserFactory()
    persona_update(user=creator, voice="Soft and slow.")
    link_create(user=creator, title="Shop", url="https://shop.example.com")
    api_key_create(user=creator, name="cron")
    client.force_login(staff_user)
    response = client.get(f"/admin/users/user/{creator.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Soft and slow." in html and "https://shop.example.com" in html and "cron" in html
