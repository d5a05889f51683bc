"""Fans' pages under /@<handle>/ (huntaze/urls.py passes the handle on)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.creator_page, name="public_page"),
    path("p/<slug:slug>/", views.post_page, name="public_post"),
    path("og.png", views.og_image, name="public_og_image"),
    path("p/<slug:slug>/og.png", views.og_image, name="public_post_og_image"),
    path("l/<uuid:link_id>/", views.link_redirect, name="public_link"),
    path("follow/", views.follow, name="public_follow"),
    path("follow/button/", views.follow_button, name="public_follow_button"),
    path("unfollow/", views.unfollow, name="public_unfollow"),
]
