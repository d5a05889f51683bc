from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.admin_actions import with_reason

from .forms import UserAdminChangeForm, UserAdminCreationForm
from .models import ApiKey, Link, Persona, SecurityEvent, User
from .services import user_delete, user_public_changed, user_suspend, user_unsuspend


class PersonaInline(admin.StackedInline):
    model = Persona
    can_delete = False
    extra = 0


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0
    fields = ("title", "url", "position")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        # Keys are created by their owner, who is the only one to ever see the secret.
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    ordering = ("-created_at",)
    list_display = (
        "email",
        "handle",
        "name",
        "role",
        "tier",
        "is_staff",
        "is_active",
        "created_at",
    )
    list_filter = (
        "role",
        "tier",
        "is_staff",
        "is_active",
        ("suspended_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("email", "handle", "name")
    readonly_fields = (
        "created_at",
        "updated_at",
        "last_login",
        "onboarded_at",
        "suspended_at",
        "suspension_reason",
        "tier",
        "stripe_billing",
    )
    actions = ("suspend", "lift_suspension")

    @admin.display(description=_("Stripe"))
    def stripe_billing(self, obj):
        """The user's Stripe customer, subscriptions and events in dj-stripe's admin."""
        from django.urls import reverse
        from django.utils.html import format_html, format_html_join
        from djstripe.models import Customer

        customer = Customer.objects.filter(subscriber=obj).first()
        if customer is None:
            return _("No Stripe customer yet.")
        links = [
            (reverse("admin:djstripe_customer_change", args=[customer.djstripe_id]), customer.id),
            (
                reverse("admin:djstripe_subscription_changelist")
                + f"?customer__id__exact={customer.djstripe_id}",
                _("subscriptions"),
            ),
            (reverse("admin:djstripe_event_changelist") + f"?q={customer.id}", _("events")),
        ]
        return format_html(
            "{} ({})",
            obj.tier,
            format_html_join(" · ", '<a href="{}">{}</a>', links),
        )

    inlines = (PersonaInline, LinkInline, ApiKeyInline)

    def save_model(self, request, obj, form, change) -> None:
        old_handle = form.initial.get("handle") if change else None
        super().save_model(request, obj, form, change)
        user_public_changed(user=obj, old_handle=old_handle)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)  # links edited inline
        user_public_changed(user=form.instance)

    def delete_model(self, request, obj) -> None:
        user_delete(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            user_delete(user=user, actor=request.user)

    def get_deleted_objects(self, objs, request):
        # The audit log is read-only, yet an account's own lines go with it.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(SecurityEvent._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request, queryset):
        # The log keeps the account's number, never its e-mail address: the person asked
        # to be gone, and the admin log outlives them.
        from django.contrib.admin.models import DELETION, LogEntry
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(self.model)
        return [
            LogEntry.objects.create(
                user_id=request.user.pk,
                content_type=content_type,
                object_id=str(user.pk),
                object_repr=f"user #{user.pk}",
                action_flag=DELETION,
            )
            for user in queryset
        ]

    def get_inlines(self, request, obj):
        # The add form creates the account only; persona, links and keys come after.
        return self.inlines if obj is not None else ()

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("name", "handle", "role", "tier", "bio", "avatar", "time_zone")},
        ),
        (_("Moderation"), {"fields": ("suspended_at", "suspension_reason")}),
        (_("Billing"), {"fields": ("billing_status", "stripe_billing")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "onboarded_at", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "handle", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    suspend = admin.action(description=_("Suspend: take the public page down"))(
        with_reason(
            title="Suspend creators",
            explanation="Their public pages, posts and links stop answering (404) at once.",
            submit_label="Suspend",
            apply=lambda user, reason, actor: user_suspend(user=user, reason=reason, actor=actor),
        )
    )

    @admin.action(description=_("Lift the suspension"))
    def lift_suspension(self, request, queryset):
        for user in queryset.filter(suspended_at__isnull=False):
            user_unsuspend(user=user, actor=request.user)
            self.log_change(request, user, "Suspension lifted")
        self.message_user(request, _("Suspensions lifted."))


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: it records what happened and is never edited."""

    list_display = ("created_at", "kind", "user", "actor", "detail", "ip")
    list_filter = ("kind", ("actor", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__handle", "detail", "ip")
    date_hierarchy = "created_at"
    list_select_related = ("user", "actor")
    raw_id_fields = ("user", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
