from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LongSelect

from .legal import terms_accept
from .models import (
    ApiKey,
    Link,
    Persona,
    User,
    time_zone_choices,
)
from .services import avatar_process, cover_process


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "handle", "role")


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class HandleField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("Handle"))
        kwargs.setdefault(
            "help_text",
            _("Your page will live at /@handle/. Lowercase letters, digits and underscores."),
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocapitalize": "none", "autocomplete": "off"})


class LoginForm(AllauthLoginForm):
    """allauth's log-in form in the site's words, with labels rather than placeholders."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me logged in on this device")


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus the role: a creator picks a handle, a fan needs none."""

    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.CREATOR, _("A creator: I want a page and the AI studio")),
            (User.Role.FAN, _("A fan: I want to follow creators")),
        ],
        initial=User.Role.CREATOR,
        widget=forms.RadioSelect,
    )
    handle = HandleField(required=False)
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of service and the privacy policy"),
        help_text=format_lazy(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse_lazy("legal_terms"),
            _("Terms of service"),
            reverse_lazy("legal_privacy"),
            _("Privacy policy"),
        ),
        error_messages={"required": _("Please accept the terms to create an account.")},
    )

    field_order = ["role", "email", "handle", "password1", "password2", "accept_terms"]

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        handle = self.data.get("handle", "")
        if role == User.Role.CREATOR:
            if not handle.strip():
                self.add_error("handle", _("Creators need a handle for their public page."))
            else:
                try:
                    cleaned["handle"] = User.handle_clean(handle)
                except ValidationError as exc:
                    self.add_error("handle", exc)
        else:
            cleaned["handle"] = None
        return cleaned

    def custom_signup(self, request, user):
        user.role = self.cleaned_data["role"]
        user.handle = self.cleaned_data.get("handle") or None
        terms_accept(user=user, save=False)
        user.save(update_fields=["role", "handle", "terms_version", "terms_accepted_at"])

    def try_save(self, request):
        """allauth's save, all or nothing: when someone else took the handle between the
        check and the save, no half-made account is left, and the person picks again.

        For an address that already has an account nothing is created, which used to answer
        ten times faster than a real sign-up (no password to hash): the same hashing is done
        either way, so the answer's timing does not tell whether the address is known.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            if not User.objects.filter(
                handle__iexact=self.cleaned_data.get("handle") or ""
            ).exists():
                raise
            messages.error(
                request, _("Someone took that handle a moment ago. Please pick another.")
            )
            return None, redirect("account_signup")


class ProfileForm(forms.ModelForm):
    handle = HandleField(required=False)
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF image, 5 MB at most. We crop it to a square."),
        # A plain file input: the current avatar is shown as a picture above the form, not
        # as a stored file name that runs off a phone's screen.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)
    cover = forms.FileField(
        label=_("Cover"),
        required=False,
        help_text=_("A wide image across the top of your page, 5 MB at most; cropped to 3:1."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_cover = forms.BooleanField(label=_("Remove my cover"), required=False)

    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, widget=LongSelect
    )

    class Meta:
        model = User
        fields = ("name", "handle", "bio", "accent", "time_zone")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.avatar:
            del self.fields["remove_avatar"]
        if not self.instance.cover:
            del self.fields["remove_cover"]
        self.fields["accent"].help_text = _("The colour of the buttons and links on your page.")
        self.fields["accent"].required = False  # left out: the page keeps its colour

    def clean_handle(self):
        value = self.cleaned_data.get("handle", "")
        if not value:
            if self.instance.is_creator:
                raise ValidationError(_("Creators need a handle for their public page."))
            return None
        return User.handle_clean(value, instance=self.instance)

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return avatar_process(upload=upload)

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if not upload:
            return None
        return cover_process(upload=upload)


class OnboardingForm(forms.Form):
    name = forms.CharField(label=_("Display name"), max_length=100)
    handle = HandleField()
    voice = forms.CharField(
        label=_("How do you talk to your fans?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A sentence or two. The AI studio writes in this voice; you can change it later."
        ),
    )
    tone = forms.ChoiceField(
        label=_("Tone"), choices=Persona.Tone.choices, initial=Persona.Tone.WARM
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_handle(self):
        return User.handle_clean(self.cleaned_data["handle"], instance=self.user)


LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
]


class PersonaForm(forms.ModelForm):
    language_codes = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The AI writes in the first language unless you ask for another."),
    )

    class Meta:
        model = Persona
        fields = ("voice", "tone", "emojis", "words_to_avoid")
        widgets = {
            "voice": forms.Textarea(attrs={"rows": 3}),
            "words_to_avoid": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language_codes"].initial = self.instance.language_list or ["en"]


class LinkForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Link
        fields = ("title", "url")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Links must start with http:// or https://."))
        return url


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("name", "scope")
        widgets = {"name": forms.TextInput(attrs={"placeholder": _("e.g. My scheduler script")})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read and write unless asked otherwise (as keys were before scopes).
        self.fields["scope"].required = False

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or ApiKey.Scope.READ_WRITE


class AccountDeleteForm(forms.Form):
    """Deleting an account: the address typed out, and the password or a two-factor code
    again, whatever the age of the log-in."""

    confirm = forms.CharField(
        label=_("Type your e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        from allauth.mfa.models import Authenticator

        self.user = user
        super().__init__(*args, **kwargs)
        self.authenticators = list(
            Authenticator.objects.filter(
                user=user,
                type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES],
            )
        )
        if not user.has_usable_password():
            del self.fields["password"]
        if not any(a.type == Authenticator.Type.TOTP for a in self.authenticators):
            del self.fields["code"]

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.user.email.lower():
            raise ValidationError(_("This is not your account's e-mail address."))
        return value

    def clean_password(self):
        value = self.cleaned_data["password"]
        if not self.user.check_password(value):
            raise ValidationError(_("This password is not right."))
        return value

    def clean_code(self):
        value = self.cleaned_data["code"].strip().replace(" ", "")
        if not any(a.wrap().validate_code(value) for a in self.authenticators):
            raise ValidationError(_("This code is not right or has been used."))
        return value
