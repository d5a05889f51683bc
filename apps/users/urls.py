from django.urls import path

from . import views

urlpatterns = [
    path("welcome/", views.onboarding, name="onboarding"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/persona/", views.settings_persona, name="settings_persona"),
    path("settings/links/", views.settings_links, name="settings_links"),
    path("settings/links/<uuid:link_id>/", views.settings_link_edit, name="settings_link_edit"),
    path(
        "settings/links/<uuid:link_id>/delete/",
        views.settings_link_delete,
        name="settings_link_delete",
    ),
    path(
        "settings/links/<uuid:link_id>/move/", views.settings_link_move, name="settings_link_move"
    ),
    path("settings/api-keys/", views.settings_api_keys, name="settings_api_keys"),
    path(
        "settings/api-keys/<int:key_id>/revoke/",
        views.settings_api_key_revoke,
        name="settings_api_key_revoke",
    ),
    path("settings/security/", views.settings_security, name="settings_security"),
]
