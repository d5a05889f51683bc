"""/api/v1/content/."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.ContentListApi.as_view(), name="api-content"),
    path("<int:item_id>/", api.ContentDetailApi.as_view(), name="api-content-detail"),
    path("<int:item_id>/publish/", api.publish_view, name="api-content-publish"),
    path("<int:item_id>/schedule/", api.schedule_view, name="api-content-schedule"),
    path("<int:item_id>/unpublish/", api.unpublish_view, name="api-content-unpublish"),
    path("<int:item_id>/archive/", api.archive_view, name="api-content-archive"),
    path("<int:item_id>/duplicate/", api.duplicate_view, name="api-content-duplicate"),
    path("<int:item_id>/image/", api.ContentImageApi.as_view(), name="api-content-image"),
]
