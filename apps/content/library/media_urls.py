"""Private images under /media/private/: a signed, expiring link to a file on local disk."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.private_media, name="media_private"),
]
