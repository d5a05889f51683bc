"""Admin actions that need a reason: an intermediate page asks for it, then the service runs."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse


def with_reason(*, title: str, explanation: str, submit_label: str, apply):
    """Build an admin action that asks for a reason and calls `apply(obj, reason, actor)` per
    object, `actor` being the member of staff who confirmed it."""

    def action(modeladmin: admin.ModelAdmin, request, queryset):
        reason = request.POST.get("reason", "").strip()
        error = ""
        if request.POST.get("confirm") == "yes":
            if reason:
                done = 0
                for obj in queryset:
                    try:
                        apply(obj, reason, request.user)
                    except ValidationError as exc:
                        modeladmin.message_user(
                            request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR
                        )
                        continue
                    modeladmin.log_change(request, obj, f"{title}: {reason}")
                    done += 1
                modeladmin.message_user(request, f"{title}: {done} done.", messages.SUCCESS)
                return None
            error = "A reason is required."
        return TemplateResponse(
            request,
            "admin/reason_form.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "explanation": explanation,
                "submit_label": submit_label,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "reason": reason,
                "error": error,
                "opts": modeladmin.model._meta,
            },
        )

    return action
