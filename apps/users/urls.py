"""Account settings under /settings/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.settings_index, name="settings"),
    path("profile/", views.settings_profile, name="settings_profile"),
    path("persona/", views.settings_persona, name="settings_persona"),
    path("links/", views.settings_links, name="settings_links"),
    path("links/<uuid:link_id>/", views.settings_link_edit, name="settings_link_edit"),
    path("links/<uuid:link_id>/delete/", views.settings_link_delete, name="settings_link_delete"),
    path("links/<uuid:link_id>/move/", views.settings_link_move, name="settings_link_move"),
    path("api-keys/", views.settings_api_keys, name="settings_api_keys"),
    path(
        "api-keys/<int:key_id>/revoke/",
        views.settings_api_key_revoke,
        name="settings_api_key_revoke",
    ),
    path("security/", views.settings_security, name="settings_security"),
    path("privacy/", views.settings_privacy, name="settings_privacy"),
    path("privacy/export/", views.settings_privacy_export, name="settings_privacy_export"),
    path(
        "privacy/exports/<uuid:export_id>/",
        views.settings_privacy_export_status,
        name="settings_privacy_export_status",
    ),
    path(
        "privacy/exports/<uuid:export_id>/download/",
        views.settings_privacy_export_download,
        name="settings_privacy_export_download",
    ),
    path("privacy/delete/", views.settings_privacy_delete, name="settings_privacy_delete"),
]
