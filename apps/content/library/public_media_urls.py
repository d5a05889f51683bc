"""Public images under /media/public/, served by Django only when media is on local disk."""

from django.urls import path

from . import views

urlpatterns = [
    path("<path:name>", views.public_media, name="media_public"),
]
