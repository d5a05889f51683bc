from allauth.account.views import ConfirmLoginCodeView
from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.decorators import creator_required
from apps.core.forms import form_add_service_errors

from . import selectors, services
from .forms import (
    AccountDeleteForm,
    ApiKeyForm,
    LinkForm,
    OnboardingForm,
    PersonaForm,
    ProfileForm,
)
from .legal import TERMS_VERSION
from .limits import max_links_for
from .models import User


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """First log-in of a creator: handle, display name and a first persona."""
    user = request.user
    if not user.needs_onboarding:
        return redirect("dashboard")
    form = OnboardingForm(
        request.POST or None,
        user=user,
        initial={"name": user.name, "handle": user.handle or ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_complete_onboarding(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Welcome to Huntaze! Your page is ready at /@%(handle)s/.")
                % {"handle": user.handle},
            )
            return redirect("dashboard")
    return render(request, "users/onboarding.html", {"form": form})


def legal_terms(request: HttpRequest) -> HttpResponse:
    return render(request, "users/legal/terms.html", {"version": TERMS_VERSION})


def legal_privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "users/legal/privacy.html", {"version": TERMS_VERSION})


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return redirect("settings_profile")


@login_required
def settings_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(
                user=user,
                name=form.cleaned_data["name"],
                handle=form.cleaned_data["handle"],
                bio=form.cleaned_data["bio"],
                time_zone=form.cleaned_data["time_zone"],
                avatar=form.cleaned_data.get("avatar"),
                remove_avatar=form.cleaned_data.get("remove_avatar", False),
                cover=form.cleaned_data.get("cover"),
                remove_cover=form.cleaned_data.get("remove_cover", False),
                accent=form.cleaned_data.get("accent"),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("settings_profile")
    if form.errors:
        # Keep what the user typed, but never show an unsaved handle as if it were live.
        user.refresh_from_db()
    return render(
        request,
        "users/settings_profile.html",
        {"form": form, "section": "profile"},
        status=400 if form.errors else 200,
    )


@creator_required
def settings_persona(request: HttpRequest) -> HttpResponse:
    persona = services.persona_get_or_default(user=request.user)
    form = PersonaForm(request.POST or None, instance=persona)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        data["languages"] = ",".join(form.cleaned_data["language_codes"])
        try:
            services.persona_update(user=request.user, **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your persona is saved. The AI studio will write this way.")
            )
            return redirect("settings_persona")
    return render(
        request,
        "users/settings_persona.html",
        {"form": form, "section": "persona"},
        status=400 if form.errors else 200,
    )


@creator_required
def settings_links(request: HttpRequest) -> HttpResponse:
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Link added to your page."))
            return redirect("settings_links")
    links = list(selectors.link_list_for_user(user=request.user))
    context = {
        "form": form,
        "links": links,
        "limit": max_links_for(request.user),
        "section": "links",
    }
    return render(request, "users/settings_links.html", context, status=400 if form.errors else 200)


@creator_required
def settings_link_edit(request: HttpRequest, link_id) -> HttpResponse:
    link = selectors.link_get_for_user(user=request.user, link_id=link_id)
    form = LinkForm(request.POST or None, instance=link)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_update(link=link, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Link saved."))
            return redirect("settings_links")
    return render(
        request,
        "users/settings_link_edit.html",
        {"form": form, "link": link, "section": "links"},
        status=400 if form.errors else 200,
    )


@require_POST
@creator_required
def settings_link_delete(request: HttpRequest, link_id) -> HttpResponse:
    link = selectors.link_get_for_user(user=request.user, link_id=link_id)
    services.link_delete(link=link)
    messages.success(request, _("Link removed."))
    return redirect("settings_links")


@require_POST
@creator_required
def settings_link_move(request: HttpRequest, link_id) -> HttpResponse:
    link = selectors.link_get_for_user(user=request.user, link_id=link_id)
    services.link_move(link=link, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("settings_links")


@creator_required
def settings_api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _key, new_key = services.api_key_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
            form = ApiKeyForm()
            status = 201
        else:
            status = 400
    keys = list(selectors.api_key_list_for_user(user=request.user))
    context = {"form": form, "keys": keys, "new_key": new_key, "section": "api_keys"}
    response = render(request, "users/settings_api_keys.html", context, status=status)
    if new_key:
        # The page shows a secret: never keep it in any cache.
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@creator_required
def settings_api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    key = selectors.api_key_get_for_user(user=request.user, key_id=key_id)
    services.api_key_revoke(key=key)
    messages.success(
        request,
        _("The key “%(name)s” is revoked; scripts using it now get 401.") % {"name": key.name},
    )
    return redirect("settings_api_keys")


@login_required
def settings_security(request: HttpRequest) -> HttpResponse:
    context = {
        "section": "security",
        "mfa_enabled": selectors.user_has_totp(user=request.user),
        "login_url": reverse("account_login"),
        "events": selectors.security_event_list_for_user(user=request.user),
    }
    return render(request, "users/settings_security.html", context)


class SignupWithRoleView(AllauthSignupView):
    """allauth's sign-up, with the role picked in advance by ?role=fan (from a Follow
    button) or ?role=creator."""

    def get_initial(self) -> dict:
        initial = super().get_initial()
        role = self.request.GET.get("role")
        if role in User.Role.values:
            initial["role"] = role
        return initial


signup = SignupWithRoleView.as_view()


class ConfirmLoginCodeLinkView(ConfirmLoginCodeView):
    """allauth's code form, pre-filled from the one-click link in the e-mail.

    Following the link never logs in by itself (mail scanners open links); the person still
    presses the button, in the browser that asked for the code.
    """

    def get_initial(self) -> dict:
        initial = super().get_initial()
        code = self.request.GET.get("code", "").strip()
        if code:
            initial["code"] = code[:32]
        return initial


confirm_login_code = ConfirmLoginCodeLinkView.as_view()


# Privacy: export and deletion ------------------------------------------------------------


def _privacy_page(request: HttpRequest, form: AccountDeleteForm, *, status: int = 200):
    context = {
        "section": "privacy",
        "export": selectors.data_export_latest_for_user(user=request.user),
        "delete_form": form,
    }
    return render(request, "users/settings_privacy.html", context, status=status)


@login_required
def settings_privacy(request: HttpRequest) -> HttpResponse:
    return _privacy_page(request, AccountDeleteForm(user=request.user))


@require_POST
@login_required
def settings_privacy_export(request: HttpRequest) -> HttpResponse:
    services.data_export_request(user=request.user)
    messages.success(
        request,
        _("We are gathering your data. It takes a minute or two; this page shows the progress."),
    )
    return redirect("settings_privacy")


@login_required
def settings_privacy_export_status(request: HttpRequest, export_id) -> HttpResponse:
    """The export's card alone, which the page polls while the export is being built."""
    export = selectors.data_export_get_for_user(user=request.user, export_id=export_id)
    if not request.htmx:
        return redirect("settings_privacy")
    return render(request, "users/_data_export.html", {"export": export})


@login_required
def settings_privacy_export_download(request: HttpRequest, export_id) -> HttpResponse:
    export = selectors.data_export_get_for_user(user=request.user, export_id=export_id)
    if export.is_expired:
        return render(request, "users/export_expired.html", {"section": "privacy"}, status=410)
    if export.state != export.State.DONE or not export.file_name:
        raise Http404
    services.data_export_downloaded(export=export)
    filename = f"huntaze-export-{export.created_at:%Y-%m-%d}.zip"
    if settings.MEDIA_PRIVATE_SERVED_BY_DJANGO:
        response = FileResponse(
            default_storage.open(export.file_name, "rb"), as_attachment=True, filename=filename
        )
    else:
        response = redirect(
            default_storage.url(
                export.file_name,
                parameters={"ResponseContentDisposition": f'attachment; filename="{filename}"'},
            )
        )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def settings_privacy_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(request.POST, user=user)
    # Each try checks a password or a code: allauth's re-authentication limit applies.
    if not ratelimit.consume(request, action="reauthenticate", user=user):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Wait a minute, then try again."))
        return _privacy_page(request, form, status=429)
    if not form.is_valid():
        return _privacy_page(request, form, status=400)
    try:
        services.user_delete(user=user)
    except services.AccountDeletionRefused as exc:
        form.add_error(None, str(exc))
        response = _privacy_page(request, form, status=503)
        response["Retry-After"] = "120"
        return response
    logout(request)
    messages.success(request, _("Your account and everything in it are deleted. Goodbye!"))
    return redirect("home")
