"""The AI studio (generate, regenerate, edit, save) and the assistant chat."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from apps.core.decorators import creator_required
from apps.core.exceptions import UpgradeRequired
from apps.core.forms import form_add_service_errors

from ..ai.service import GenerationFailed, QuotaExceeded
from ..library import services as library_services
from ..library.selectors import content_item_get_for_user, content_recent_drafts
from . import selectors, services
from .forms import ChatForm, DraftForm, GenerateForm

# Studio ----------------------------------------------------------------------------------


@creator_required
@require_http_methods(["GET", "POST"])
def studio(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST or None, initial={"task": request.GET.get("task", "caption")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.generation_job_create(
                    user=request.user,
                    task=form.cleaned_data["task"],
                    prompt=form.cleaned_data["prompt"],
                    variants=form.cleaned_data["variants"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            except QuotaExceeded as exc:
                form.add_error(None, exc.message)
                status = 402
            else:
                if request.htmx:
                    job.refresh_from_db()
                    return render(request, "content/studio/_job.html", _job_context(request, job))
                return redirect("studio_job", job_id=job.pk)
        if status == 200:
            status = 400
    context = {
        "form": form,
        "drafts": list(content_recent_drafts(user=request.user)),
        "section": "studio",
    }
    if request.htmx and request.method == "POST":
        # The errors go back into the form (the request aimed at the result area); the
        # htmx-config in base.html lets htmx swap 400 and 402 answers instead of dropping them.
        response = render(request, "content/studio/_studio_form.html", context, status=status)
        return reswap(retarget(response, "#studio-form"), "innerHTML")
    return render(request, "content/studio/studio.html", context, status=status)


@creator_required
def studio_job(request: HttpRequest, job_id) -> HttpResponse:
    job = selectors.generation_job_get_for_user(user=request.user, job_id=job_id)
    context = _job_context(request, job)
    if request.htmx:
        return render(request, "content/studio/_job.html", context)
    return render(request, "content/studio/studio_job.html", context)


def _job_context(request: HttpRequest, job) -> dict:
    context = {"job": job}
    if job.finished and job.variants > 1:
        variants = selectors.job_variants(job=job)
        if len(variants) > 1:
            context["variants"] = variants
    if job.item is not None:
        context["draft_form"] = DraftForm(instance=job.item)
        context["redo_offered"] = services.draft_is_from_small_model(job.item.usage)
    if request.htmx and job.finished:
        # The studio's "Recent drafts" list is refreshed along with the result.
        context["recent_drafts"] = list(content_recent_drafts(user=request.user))
    return context


@require_POST
@creator_required
def studio_regenerate(request: HttpRequest, job_id) -> HttpResponse:
    job = selectors.generation_job_get_for_user(user=request.user, job_id=job_id)
    return _follow_up(
        request,
        job,
        lambda: services.generation_job_create(
            user=request.user, task=job.task, prompt=job.prompt, regenerate=True
        ),
    )


@require_POST
@creator_required
def studio_redo_strong(request: HttpRequest, job_id) -> HttpResponse:
    """Redo a draft of the small model on gpt-4o; the pair helps staff judge the router."""
    job = selectors.generation_job_get_for_user(user=request.user, job_id=job_id)
    return _follow_up(
        request, job, lambda: services.generation_job_redo_strong(user=request.user, job=job)
    )


def _follow_up(request: HttpRequest, job, start) -> HttpResponse:
    """Start a job from an earlier one and show it; a refusal (quota, plan, bad request) is
    said on the earlier job's page."""
    try:
        new_job = start()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except UpgradeRequired as exc:
        messages.error(request, exc.message)
    else:
        return redirect("studio_job", job_id=new_job.pk)
    return redirect("studio_job", job_id=job.pk)


@require_POST
@creator_required
def draft_save(request: HttpRequest, item_id: int) -> HttpResponse:
    item = content_item_get_for_user(user=request.user, item_id=item_id)
    form = DraftForm(request.POST, instance=item)
    if form.is_valid():
        try:
            # The library's edit: a published post changes on the public page too.
            library_services.content_item_edit(
                item=item,
                kind=item.kind,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved to your library."))
            next_url = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = reverse("dashboard")
            return redirect(next_url)
    item.refresh_from_db()
    return render(
        request, "content/studio/draft_edit.html", {"form": form, "item": item}, status=400
    )


@require_POST
@creator_required
def draft_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    item = content_item_get_for_user(user=request.user, item_id=item_id)
    # Removes the image and refreshes the public page if the post had been published.
    library_services.content_item_remove(item=item)
    messages.success(request, _("Draft deleted."))
    return redirect("studio")


# Chat ------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@creator_required
@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest, conversation_id: int | None = None) -> HttpResponse:
    conversation = None
    if conversation_id is not None:
        conversation = selectors.conversation_get_for_user(
            user=request.user, conversation_id=conversation_id
        )
    if request.method == "POST" and request.POST.get("action") == "answer" and conversation:
        # Without JavaScript: answer a question left without a reply.
        question = services.chat_pending_question(conversation=conversation)
        if question is not None:
            _answer_now(request, conversation, question)
        return redirect("chat_conversation", conversation_id=conversation.pk)
    form = ChatForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if conversation is None:
                    conversation = services.conversation_create(user=request.user)
                question = services.chat_message_add(
                    conversation=conversation, content=form.cleaned_data["content"]
                )
            except ValidationError as exc:
                form.add_error("content", exc.messages)
            except QuotaExceeded as exc:
                form.add_error(None, exc.message)
                status = 402
            else:
                stream_url = reverse("chat_stream", args=[conversation.pk])
                if _wants_json(request):
                    return JsonResponse(
                        {
                            "conversation_url": reverse(
                                "chat_conversation", args=[conversation.pk]
                            ),
                            "stream_url": stream_url,
                            "question": question.content,
                        },
                        status=201,
                    )
                # Without JavaScript: answer in this request, then show the conversation.
                _answer_now(request, conversation, question)
                return redirect("chat_conversation", conversation_id=conversation.pk)
        if status == 200:
            status = 400
        if _wants_json(request):
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return JsonResponse({"errors": errors}, status=status)
    context = {
        "form": form,
        "conversation": conversation,
        "chat_messages": selectors.chat_messages(conversation=conversation) if conversation else [],
        "conversations": selectors.conversation_list_for_user(user=request.user),
        "pending": services.chat_pending_question(conversation=conversation)
        if conversation
        else None,
    }
    return render(request, "content/studio/chat.html", context, status=status)


def _answer_now(request: HttpRequest, conversation, question) -> None:
    try:
        for _piece in services.chat_reply(conversation=conversation, question=question):
            pass
    except (GenerationFailed, QuotaExceeded, services.ChatAnswerInProgress) as exc:
        messages.error(request, exc.message)


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


@creator_required
def chat_stream(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Server-sent events: the answer to the pending question, piece by piece."""
    conversation = selectors.conversation_get_for_user(
        user=request.user, conversation_id=conversation_id
    )
    question = services.chat_pending_question(conversation=conversation)

    def events():
        if question is None:
            yield _sse("done", {})
            return
        try:
            for piece in services.chat_reply(conversation=conversation, question=question):
                yield _sse("delta", piece)
        except (GenerationFailed, QuotaExceeded, services.ChatAnswerInProgress) as exc:
            yield _sse("error", exc.message)
            return
        answer = selectors.chat_last_answer(conversation=conversation)
        yield _sse(
            "done",
            {"save_url": reverse("chat_answer_save", args=[answer.pk])} if answer else {},
        )

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@require_POST
@creator_required
def chat_answer_save(request: HttpRequest, message_id: int) -> HttpResponse:
    """Keep an answer of the assistant as a draft in the library."""
    message = selectors.chat_answer_get_for_user(user=request.user, message_id=message_id)
    item = services.chat_answer_save(message=message)
    messages.success(request, _("Saved to your library as a draft."))
    return redirect("library_item", item_id=item.pk)


@require_POST
@creator_required
def studio_keep_variant(request: HttpRequest, job_id, item_id: int) -> HttpResponse:
    """Keep one of a job's drafts; the others are deleted."""
    job = selectors.generation_job_get_for_user(user=request.user, job_id=job_id)
    item = selectors.job_variant_get(job=job, item_id=item_id)
    services.generation_job_keep_variant(job=job, item=item)
    if request.htmx:
        return render(request, "content/studio/_job.html", _job_context(request, job))
    return redirect("studio_job", job_id=job.pk)
