"""The creator's library under /content/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.library_new, name="library_new"),
    path("<int:item_id>/", views.library_item, name="library_item"),
    path("<int:item_id>/action/", views.library_action, name="library_action"),
    path("<int:item_id>/restore/", views.library_restore, name="library_restore"),
    path("<int:item_id>/image/", views.library_image, name="library_image"),
]
