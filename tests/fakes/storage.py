from django.core.files.storage import FileSystemStorage


class CountingStorage(FileSystemStorage):
    """The local disk storage, counting the files written through it."""

    saves = 0

    def _save(self, name, content):
        type(self).saves += 1
        return super()._save(name, content)
