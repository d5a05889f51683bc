"""The creator's library: every draft, scheduled, published and archived post."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.decorators import creator_required
from apps.core.forms import form_add_service_errors

from . import selectors, services
from .forms import ContentItemForm, LibraryFilterForm, ScheduleForm
from .media import media_name_from_token


@creator_required
def library(request: HttpRequest) -> HttpResponse:
    filters = LibraryFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    items = selectors.content_list_for_user(
        user=request.user,
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        search=data.get("q", ""),
    )
    page = Paginator(items, selectors.LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    undo = request.session.pop(UNDO_SESSION_KEY, None)
    context = {
        "undo_item": selectors.content_trashed_get(user=request.user, item_id=undo)
        if undo
        else None,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "section": "library",
        "filtered": any(request.GET.get(name) for name in ("q", "kind", "status")),
    }
    return render(request, "content/library/library.html", context)


UNDO_SESSION_KEY = "library_undo"


@require_POST
@creator_required
def library_restore(request: HttpRequest, item_id: int) -> HttpResponse:
    """Undo a delete."""
    item = selectors.content_trashed_get(user=request.user, item_id=item_id)
    if item is None:
        raise Http404
    services.content_item_restore(item=item)
    messages.success(request, _("Brought back."))
    return redirect("library_item", item_id=item.pk)


@creator_required
@require_http_methods(["GET", "POST"])
def library_new(request: HttpRequest) -> HttpResponse:
    form = ContentItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.content_item_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft created."))
            return redirect("library_item", item_id=item.pk)
    return render(
        request,
        "content/library/library_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@creator_required
@require_http_methods(["GET", "POST"])
def library_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.content_item_get_for_user(user=request.user, item_id=item_id)
    form = ContentItemForm(request.POST or None, instance=item)
    schedule = ScheduleForm(
        initial=ScheduleForm.initial_for(item, default_zone=request.user.time_zone)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.content_item_edit(item=item, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("library_item", item_id=item.pk)
    if form.errors:
        item.refresh_from_db()
    context = {"item": item, "form": form, "schedule": schedule, "section": "library"}
    return render(
        request, "content/library/library_item.html", context, status=400 if form.errors else 200
    )


@require_POST
@creator_required
def library_action(request: HttpRequest, item_id: int) -> HttpResponse:
    """Publish now, schedule, unpublish, archive, duplicate or delete."""
    item = selectors.content_item_get_for_user(user=request.user, item_id=item_id)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.content_item_publish(item=item)
            messages.success(request, _("Published on your page."))
        elif action == "schedule":
            schedule = ScheduleForm(request.POST)
            if not schedule.is_valid():
                form = ContentItemForm(instance=item)
                context = {"item": item, "form": form, "schedule": schedule, "section": "library"}
                return render(request, "content/library/library_item.html", context, status=400)
            services.content_item_schedule(item=item, when=schedule.cleaned_data["scheduled_for"])
            messages.success(request, _("Scheduled. It will go out on its own."))
        elif action in ("draft", "archived"):
            services.content_item_set_status(item=item, status=action)
            messages.success(
                request, _("Moved to drafts.") if action == "draft" else _("Archived.")
            )
        elif action == "duplicate":
            copy = services.content_item_duplicate(item=item)
            messages.success(request, _("Copied as a new draft."))
            return redirect("library_item", item_id=copy.pk)
        elif action == "delete":
            services.content_item_trash(item=item)
            # The library offers to undo it, once, on the next page it shows.
            request.session[UNDO_SESSION_KEY] = item.pk
            return redirect("library")
        else:
            messages.error(request, _("Unknown action."))
            return redirect("library_item", item_id=item.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("library_item", item_id=item.pk)


@require_POST
@creator_required
def library_image(request: HttpRequest, item_id: int) -> HttpResponse:
    """Attach (or remove) the post's image."""
    item = selectors.content_item_get_for_user(user=request.user, item_id=item_id)
    if request.POST.get("action") == "remove":
        services.content_item_detach_image(item=item)
        messages.success(request, _("Image removed."))
        return redirect("library_item", item_id=item.pk)
    alt_text = request.POST.get("alt_text", "")
    if request.POST.get("action") == "describe":
        try:
            services.content_item_describe_image(item=item, alt_text=alt_text)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Image description saved."))
        return redirect("library_item", item_id=item.pk)
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, _("Choose an image to upload."))
        return redirect("library_item", item_id=item.pk)
    try:
        services.content_item_attach_image(item=item, upload=upload, alt_text=alt_text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        form = ContentItemForm(instance=item)
        schedule = ScheduleForm(initial={"time_zone": request.user.time_zone})
        context = {
            "item": item,
            "form": form,
            "schedule": schedule,
            "section": "library",
            "image_error": " ".join(exc.messages),
        }
        return render(request, "content/library/library_item.html", context, status=400)
    messages.success(request, _("Image added."))
    return redirect("library_item", item_id=item.pk)


def private_media(request: HttpRequest, token: str) -> HttpResponse:
    """A private image on the local disk, for whoever holds an unexpired signed link."""
    name = media_name_from_token(token)
    if name is None or not default_storage.exists(name):
        raise Http404("This link has expired or is not valid.")
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "HEAD"])
def public_media(request: HttpRequest, name: str) -> HttpResponse:
    """A public image (avatar, published post) from the local disk, when there is no S3 to
    serve it: production without a bucket, and development."""
    storage = storages["public"]
    if not storage.exists(name):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
