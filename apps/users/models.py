import uuid
from functools import cache
from zoneinfo import available_timezones as _zoneinfo_timezones

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def public_storage():
    """Avatars are public: fans see them on the creator's page."""
    return storages["public"]


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(_zoneinfo_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    """Every time zone a user may pick, for the profile and the scheduling forms."""
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


# Words that would collide with our own URLs or impersonate the platform.
RESERVED_HANDLES = frozenset(
    [
        "about",
        "accounts",
        "admin",
        "administrator",
        "analytics",
        "api",
        "app",
        "assets",
        "billing",
        "blog",
        "checkout",
        "contact",
        "content",
        "dashboard",
        "docs",
        "explore",
        "feed",
        "help",
        "home",
        "huntaze",
        "i18n",
        "legal",
        "login",
        "logout",
        "media",
        "metrics",
        "moderator",
        "null",
        "official",
        "ops",
        "pricing",
        "privacy",
        "readyz",
        "healthz",
        "root",
        "security",
        "settings",
        "signup",
        "staff",
        "static",
        "studio",
        "support",
        "system",
        "terms",
        "undefined",
        "user",
        "users",
        "webhook",
        "webhooks",
        "www",
    ]
)


def reserved_handle_validator(value: str) -> None:
    if value and value.lower() in RESERVED_HANDLES:
        raise ValidationError(_("This handle is reserved. Please pick another."), code="reserved")


# A handle: 3 to 30 of a-z, 0-9 and "_", not starting or ending with "_".
HANDLE_PATTERN = r"[a-z0-9][a-z0-9_]{1,28}[a-z0-9]"

handle_validator = RegexValidator(
    regex=rf"^{HANDLE_PATTERN}$",
    message=_(
        "Use 3 to 30 lowercase letters, digits or underscores, starting and ending with a "
        "letter or digit."
    ),
)


class UserQuerySet(models.QuerySet):
    def public_creators(self) -> "UserQuerySet":
        """The creators fans may see: the one rule behind public pages, sitemaps and feeds."""
        return self.filter(
            role=self.model.Role.CREATOR,
            is_active=True,
            suspended_at__isnull=True,
            handle__isnull=False,
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
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

    class Accent(models.TextChoices):
        """The public page's accent: a palette whose colours keep text readable (4.5:1)
        in light and dark mode, rather than any colour at all."""

        VIOLET = "violet", _("Violet")
        ROSE = "rose", _("Rose")
        CORAL = "coral", _("Coral")
        AMBER = "amber", _("Amber")
        EMERALD = "emerald", _("Emerald")
        TEAL = "teal", _("Teal")
        SKY = "sky", _("Sky")
        SLATE = "slate", _("Slate")

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("display name"), max_length=100, blank=True)
    # Fans need no handle; creators get one at sign-up. NULL keeps the uniqueness for the rest.
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        validators=[handle_validator, reserved_handle_validator],
        help_text=_("Your public address: /@handle/"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.CREATOR)
    # The key of the plan (subscriptions.Plan) of the user's best active subscription, which
    # the subscriptions app keeps in step with Stripe. The plans table is the list of values.
    tier = models.CharField(_("plan"), max_length=10, default="free")
    # The Stripe status of the subscription behind `tier` ("past_due" shows a grace banner).
    billing_status = models.CharField(_("billing status"), max_length=20, blank=True)
    bio = models.TextField(_("bio"), max_length=500, blank=True)
    avatar = models.ImageField(
        _("avatar"), upload_to="avatars/", blank=True, storage=public_storage
    )
    cover = models.ImageField(_("cover"), upload_to="covers/", blank=True, storage=public_storage)
    accent = models.CharField(
        _("accent colour"), max_length=10, choices=Accent, default=Accent.VIOLET
    )
    onboarded_at = models.DateTimeField(_("onboarded"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        help_text=_("Scheduled posts go out at this local time."),
    )
    # The version of the terms and privacy policy (users/legal.py) accepted, and when.
    terms_version = models.CharField(_("terms accepted"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspension_reason = models.CharField(_("suspension reason"), max_length=300, blank=True)
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
        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": _("Pick a time zone from the list.")})
        if self.handle:
            self.handle = self.handle.lower()
        elif self.role == self.Role.CREATOR and self.onboarded_at:
            raise ValidationError({"handle": _("Creators need a handle for their public page.")})

    @classmethod
    def handle_clean(cls, value: str, *, instance: "User | None" = None) -> str:
        """A handle as stored (lowercase, without "@"), checked by the field's own validators
        and against the handles already taken; raises ValidationError."""
        handle = value.strip().lower().lstrip("@")
        if not handle:
            raise ValidationError(handle_validator.message, code="invalid")
        cls._meta.get_field("handle").run_validators(handle)
        taken = cls.objects.filter(handle__iexact=handle)
        if instance is not None and instance.pk:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            raise ValidationError(_("This handle is already taken."), code="unique")
        return handle

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def is_creator(self) -> bool:
        return self.role == self.Role.CREATOR

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def needs_onboarding(self) -> bool:
        return self.is_creator and self.onboarded_at is None


class Persona(models.Model):
    """How the AI should write for a creator. Read by the prompt builder."""

    class Emojis(models.TextChoices):
        NONE = "none", _("No emojis")
        SOME = "some", _("A few emojis")
        LOTS = "lots", _("Lots of emojis")

    class Tone(models.TextChoices):
        PLAYFUL = "playful", _("Playful")
        FLIRTY = "flirty", _("Flirty")
        WARM = "warm", _("Warm")
        CONFIDENT = "confident", _("Confident")
        FUNNY = "funny", _("Funny")
        PROFESSIONAL = "professional", _("Professional")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="persona"
    )
    voice = models.TextField(
        _("your voice"),
        max_length=1000,
        blank=True,
        help_text=_("Describe how you talk to your fans, in a sentence or two."),
    )
    tone = models.CharField(_("tone"), max_length=20, choices=Tone, default=Tone.WARM)
    emojis = models.CharField(_("emojis"), max_length=10, choices=Emojis, default=Emojis.SOME)
    words_to_avoid = models.TextField(
        _("words to avoid"),
        max_length=1000,
        blank=True,
        help_text=_("Words or topics the AI must never use, separated by commas."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        default="en",
        help_text=_("Languages you write in, as codes separated by commas (en, fr, es...)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")

    def __str__(self) -> str:
        return f"Persona of {self.user}"

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def avoid_list(self) -> list[str]:
        return [word.strip() for word in self.words_to_avoid.split(",") if word.strip()]


class Link(models.Model):
    """A link on a creator's public page; fans reach it through a counted redirect."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="links"
    )
    title = models.CharField(_("title"), max_length=80)
    url = models.URLField(
        _("address"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "created_at")
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title


class ApiKey(models.Model):
    """A named key a creator's scripts send as `Authorization: Bearer <key>`.

    Only a SHA-256 digest of the key is stored; the key itself is shown once, at creation.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(
        _("access"),
        max_length=12,
        choices=Scope,
        default=Scope.READ_WRITE,
        help_text=_("A read-only key can list and read, never change anything."),
    )
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Follow(models.Model):
    """A fan (or any user) following a creator, for the feed."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "creator"], name="follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("creator")), name="follow_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.creator_id}"


class SecurityEvent(models.Model):
    """One line of an account's audit log: who did what to it, from where, and when.

    Shown to the owner under /settings/security/ and to staff in the admin. Never holds a
    secret: no passwords, codes or keys, only what happened.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        MFA_ADDED = "mfa_added", _("Two-factor method added")
        MFA_REMOVED = "mfa_removed", _("Two-factor method removed")
        MFA_RESET = "mfa_reset", _("Recovery codes renewed")
        MFA_FAILED = "mfa_failed", _("Wrong two-factor code")
        API_KEY_CREATED = "api_key_created", _("API key created")
        API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
        PLAN_CHANGED = "plan_changed", _("Plan changed")
        EXPORT_REQUESTED = "export_requested", _("Data export requested")
        EXPORT_DOWNLOADED = "export_downloaded", _("Data export downloaded")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        STAFF_ACTION = "staff_action", _("Action by Huntaze staff")

    # The account the event is about. NULL for a failed log-in to an unknown address and for
    # the record that an account was deleted (which keeps its number in `detail` only).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="security_events",
    )
    # Who did it when it was not the owner: a member of staff.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user_id or '-'})"


class DataExport(models.Model):
    """A ZIP of everything Huntaze keeps about a user, built by a Celery job.

    The file sits in the private storage until `expires_at`; only its owner can download it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
