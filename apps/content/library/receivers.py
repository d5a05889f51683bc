from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.dispatch import receiver

from apps.users.signals import user_deleting

from ..models import Media


@receiver(user_deleting)
def delete_media_files(sender, *, user, **kwargs) -> None:
    """An account being deleted takes its images with it: the private files and any public
    copy, once the deletion commits (the rows go with the user)."""
    names = [
        name
        for pair in Media.objects.filter(user=user).values_list("name", "thumb_name")
        for name in pair
    ]

    def remove() -> None:
        for name in names:
            default_storage.delete(name)
            storages["public"].delete(name)

    if names:
        transaction.on_commit(remove)
