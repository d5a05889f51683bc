import re

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from apps.users.models import HANDLE_PATTERN

from .cache import public_cache_path, public_page_lookup
from .views import public_response

_PUBLIC_PATH = re.compile(rf"^/@(?P<handle>{HANDLE_PATTERN})/(?:p/[-a-zA-Z0-9_]+/)?$")


class PublicPageCacheMiddleware:
    """Serve cached fans' pages before sessions, authentication and the rest of the stack.

    Cached pages hold nothing user-specific, so nothing below this middleware can change
    them. A miss falls through to the view, which renders and stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            match = _PUBLIC_PATH.match(request.path_info)
            if match:
                language = translation.get_language_from_request(request)
                path = public_cache_path(request.path_info, request.GET.get("page"))
                entry = (
                    public_page_lookup(handle=match["handle"], path=path, language=language)
                    if path is not None
                    else None
                )
                if entry is not None:
                    # For the request's log line (apps/core/request_id.py): no URL was
                    # resolved, the page came from the cache.
                    request.log_route = "@<handle>/ (cached)"
                    with translation.override(language):
                        return public_response(request, entry)
        return self.get_response(request)
