"""The AI studio and the assistant chat under /studio/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.studio, name="studio"),
    path("jobs/<uuid:job_id>/", views.studio_job, name="studio_job"),
    path("jobs/<uuid:job_id>/regenerate/", views.studio_regenerate, name="studio_regenerate"),
    path("jobs/<uuid:job_id>/redo-strong/", views.studio_redo_strong, name="studio_redo_strong"),
    path(
        "jobs/<uuid:job_id>/keep/<int:item_id>/",
        views.studio_keep_variant,
        name="studio_keep_variant",
    ),
    path("drafts/<int:item_id>/", views.draft_save, name="draft_save"),
    path("drafts/<int:item_id>/delete/", views.draft_delete, name="draft_delete"),
    path("chat/", views.chat, name="chat"),
    path("chat/<int:conversation_id>/", views.chat, name="chat_conversation"),
    path("chat/<int:conversation_id>/stream/", views.chat_stream, name="chat_stream"),
    path("chat/answers/<int:message_id>/save/", views.chat_answer_save, name="chat_answer_save"),
]
