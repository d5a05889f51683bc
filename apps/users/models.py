from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

handle_validator = RegexValidator(
    regex=r"^[a-z0-9](?:[a-z0-9_]{1,28}[a-z0-9])?$",
    message=_(
        "Use 3 to 30 lowercase letters, digits or underscores, starting and ending with a "
        "letter or digit."
    ),
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login."""

    class Role(models.TextChoices):
        CREATOR = "creator", _("Creator")
        FAN = "fan", _("Fan")

    class Tier(models.TextChoices):
        """Mirrors the plan of the user's best active subscription; Stripe is the truth."""

        FREE = "free", _("Free")
        PRO = "pro", _("Pro")
        BUSINESS = "business", _("Business")

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("display name"), max_length=100, blank=True)
    # Fans need no handle; creators get one at sign-up. NULL keeps the uniqueness for the rest.
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        validators=[handle_validator],
        help_text=_("Your public address: /@handle/"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.CREATOR)
    tier = models.CharField(_("plan"), max_length=10, choices=Tier, default=Tier.FREE)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
            models.UniqueConstraint(Lower("handle"), name="users_user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.handle:
            self.handle = self.handle.lower()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def is_creator(self) -> bool:
        return self.role == self.Role.CREATOR
