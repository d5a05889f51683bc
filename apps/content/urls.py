from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("studio/", views.studio, name="studio"),
    path("studio/jobs/<uuid:job_id>/", views.studio_job, name="studio_job"),
    path(
        "studio/jobs/<uuid:job_id>/regenerate/", views.studio_regenerate, name="studio_regenerate"
    ),
    path("studio/drafts/<int:item_id>/", views.draft_save, name="draft_save"),
    path("studio/drafts/<int:item_id>/delete/", views.draft_delete, name="draft_delete"),
    path("studio/chat/", views.chat, name="chat"),
    path("studio/chat/<int:conversation_id>/", views.chat, name="chat_conversation"),
    path("studio/chat/<int:conversation_id>/stream/", views.chat_stream, name="chat_stream"),
]
