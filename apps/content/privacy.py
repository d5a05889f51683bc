"""Content's tables in the personal-data registry (apps/users/privacy.py): posts, images,
studio jobs, chats and the AI ledger."""

from django.core.files.storage import default_storage

from apps.users.privacy import ANONYMISE, DELETE, PersonalData, personal_data_register

from .models import (
    ChatMessage,
    ContentItem,
    Conversation,
    GenerationJob,
    Media,
    RouteFeedback,
    UsageRecord,
)


def _image_files(media: Media):
    return [(default_storage, media.name)]


def register_content() -> None:
    for entry in (
        PersonalData(ContentItem, owner="user", erase=DELETE, export="content/posts.json"),
        PersonalData(
            Media, owner="user", erase=DELETE, export="content/images.json", files=_image_files
        ),
        PersonalData(
            GenerationJob, owner="user", erase=DELETE, export="studio/generation_jobs.json"
        ),
        PersonalData(Conversation, owner="user", erase=DELETE, export="studio/conversations.json"),
        PersonalData(
            ChatMessage,
            owner="conversation__user",
            erase=DELETE,
            export="studio/chat_messages.json",
            order="created_at",
        ),
        # The ledger keeps its costs for the accounts, without anything pointing to the person.
        PersonalData(
            UsageRecord, owner="user", erase=ANONYMISE, export="ai/ledger.json", order="created_at"
        ),
        PersonalData(
            RouteFeedback,
            owner="user",
            erase=DELETE,
            export="ai/redo_requests.json",
            exclude=("reviewed_by",),
            also_points_at_users=("reviewed_by",),
        ),
    ):
        personal_data_register(entry)
