"""allauth behaviour, customised in one place per allauth's adapter pattern."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from apps.core.http import client_ip_behind

from .legal import terms_accept
from .models import User


def _needs_onboarding(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.needs_onboarding


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address for the rate limits: allauth's rule for a count of proxies,
        ours for proxies known by network (TRUSTED_PROXIES, see the settings)."""
        if settings.TRUSTED_PROXY_NETWORKS:
            return client_ip_behind(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                settings.TRUSTED_PROXY_NETWORKS,
            )
        return super().get_client_ip(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if _needs_onboarding(request):
            return reverse("onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        if _needs_onboarding(request):
            return reverse("onboarding")
        return super().get_signup_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == "account/email/login_code" and "code" in context:
            # The one-click link opens the code form pre-filled, in the browser that asked for
            # the code (allauth keeps the pending log-in in that browser's session).
            request = context.get("request")
            path = (
                reverse("account_confirm_login_code") + "?" + urlencode({"code": context["code"]})
            )
            context = {
                **context,
                "login_url": request.build_absolute_uri(path) if request else path,
            }
        super().send_mail(template_prefix, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin, data: dict):
        """New accounts from Google or GitHub start as creators and pick a handle next."""
        user = super().populate_user(request, sociallogin, data)
        user.role = User.Role.CREATOR
        full_name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.name = (data.get("name") or full_name or "")[:100]
        return user

    def save_user(self, request: HttpRequest, sociallogin, form=None):
        """A sign-up through Google or GitHub accepts the terms the log-in page states."""
        user = super().save_user(request, sociallogin, form)
        return terms_accept(user=user)
