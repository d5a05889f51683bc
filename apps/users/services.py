from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User

DEMO_PASSWORD = "huntaze-demo"  # noqa: S105 - a published demo credential, DEBUG only


@dataclass(frozen=True)
class SeededAccount:
    label: str
    email: str
    password: str


def user_ensure_verified_email(*, user: User) -> None:
    """Mark the user's address as verified and primary, as allauth expects for log-in."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def demo_users_seed() -> list[SeededAccount]:
    """Create (or reset) the demo creator `demo` and a staff user, with verified e-mails.

    Idempotent: running it twice leaves the same two accounts with the demo password.
    """
    creator, _ = User.objects.update_or_create(
        email="demo@huntaze.local",
        defaults={"handle": "demo", "name": "Demo Creator", "role": User.Role.CREATOR},
    )
    staff, _ = User.objects.update_or_create(
        email="staff@huntaze.local",
        defaults={
            "name": "Huntaze Staff",
            "role": User.Role.FAN,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    for user in (creator, staff):
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        user_ensure_verified_email(user=user)
    return [
        SeededAccount("creator", creator.email, DEMO_PASSWORD),
        SeededAccount("staff", staff.email, DEMO_PASSWORD),
    ]
