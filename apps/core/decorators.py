from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def creator_required(view):
    """Pages that only make sense for creators; fans are sent back with an explanation."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_creator:
            messages.info(request, _("That page is for creators."))
            return redirect("settings_profile")
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Staff pages: visitors are asked to log in; everyone else gets a 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
