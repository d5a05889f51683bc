from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import library_views, public_views, views
from .sitemaps import SITEMAPS

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
    path("content/", library_views.library, name="library"),
    path("content/new/", library_views.library_new, name="library_new"),
    path("content/<int:item_id>/", library_views.library_item, name="library_item"),
    path("content/<int:item_id>/action/", library_views.library_action, name="library_action"),
    path("content/<int:item_id>/image/", library_views.library_image, name="library_image"),
    path("media/private/<str:token>/", library_views.private_media, name="media_private"),
    path("feed/", public_views.feed, name="feed"),
    path("robots.txt", public_views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("@<str:handle>/", public_views.creator_page, name="public_page"),
    path("@<str:handle>/p/<slug:slug>/", public_views.post_page, name="public_post"),
    path("@<str:handle>/l/<uuid:link_id>/", public_views.link_redirect, name="public_link"),
    path("@<str:handle>/follow/", public_views.follow, name="public_follow"),
    path("@<str:handle>/unfollow/", public_views.unfollow, name="public_unfollow"),
]
