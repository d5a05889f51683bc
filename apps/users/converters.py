from .models import HANDLE_PATTERN


class HandleConverter:
    """A handle in a URL: the model's pattern, any case (an upper-case handle is redirected
    to its lower-case page). Anything else, a NUL byte included, never reaches a view."""

    regex = f"(?i:{HANDLE_PATTERN})"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
