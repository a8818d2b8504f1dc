"""The portal's home from the cache in one round trip, served to anonymous readers before
the rest of the middleware.

The page is stored beside the news version it was built at (one entry per language and
day); the version and the page are read together in one MGET, and a page of another version
is not used: publishing, changing or withdrawing news is seen at once.

The profile of one cached request (bench/NOTES.md, "Portal home (branch portal-speed)") was
two Redis round trips (the version, then the page), the URL resolver walking every app's
patterns to reach /portal/, and the session, messages, authentication and history
middleware that an anonymous reader without cookies does not need. `AnonymousPortalMiddleware`
answers such a reader straight from the cached page: the language as LocaleMiddleware
chooses it, the reader's own CSRF token (Django's CSRF middleware sets the cookie as it
would), the headers the inner middleware would add. Anyone else — a session (logged in, or a
flash message waiting in it), a message cookie, a query string, another method — goes
through the whole stack to the view, which reads the same entry.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from pervichka.media.selectors import news_version
from pervichka.media.services import NEWS_COUNTER

# Publishing, changing or withdrawing news makes a new version at once; the field receptions
# and the branch line, which carry no version, are at most this old.
PORTAL_SECONDS = 300
# Stands for the reader's CSRF token in the cached page (letters only: escaping keeps it).
CSRF_PLACEHOLDER = "PERVICHKAPORTALCSRFTOKENPLACEHOLDER"


def _key(language: str) -> str:
    return f"site:portal-page:{language}:{timezone.localdate().isoformat()}"


def cached_page(language: str) -> str | None:
    """The cached home page in `language` (with the CSRF placeholder) if it was built at the
    current news version, else None. One round trip."""
    key = _key(language)
    got = cache.get_many([NEWS_COUNTER, key])
    version, hit = got.get(NEWS_COUNTER), got.get(key)
    if version is not None and isinstance(hit, tuple) and len(hit) == 2 and hit[0] == version:
        return hit[1]
    return None


def page(language: str, build: Callable[[], str]) -> str:
    """The home page in `language`: from the cache, or built now and cached. The version is
    read before building, so news that changes while building leaves a page that the next
    read refuses."""
    html = cached_page(language)
    if html is None:
        version = news_version()
        html = build()
        cache.set(_key(language), (version, html), PORTAL_SECONDS)
    return html


def with_token(html: str, request: HttpRequest) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


class AnonymousPortalMiddleware:
    """The portal's home for a reader with no session and no flash message, from the cache,
    without the middleware below this one (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.path: str | None = None

    def __call__(self, request: HttpRequest):
        if self.path is None:
            self.path = reverse("public:home")
        if (
            request.path_info == self.path
            and request.method == "GET"
            and not request.META.get("QUERY_STRING")
            and not request.META.get("CONTENT_LENGTH")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
        ):
            response = self._from_cache(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _from_cache(self, request: HttpRequest) -> HttpResponse | None:
        request.get_host()  # the Host checked against ALLOWED_HOSTS, as CommonMiddleware does
        language = translation.get_language_from_request(request)
        html = cached_page(language)
        if html is None:
            return None  # the view builds it, through the whole stack
        self.csrf.process_request(request)
        response = HttpResponse(with_token(html, request))
        # What LocaleMiddleware, XFrameOptionsMiddleware and CommonMiddleware would add.
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        self.csrf.process_response(request, response)
        response.headers["Content-Length"] = str(len(response.content))
        return response
