"""The address links in SMS and e-mail point at.

`PERVICHKA_SITE_URL` when it is set (production: the public address behind nginx, and the only
answer a Celery worker, outside any request, can give). Otherwise the address the request that
caused the message came in on: `make run` on another port, or on the laptop's LAN address,
sends links that open. The Host header has passed ALLOWED_HOSTS by then (CommonMiddleware asks
for it first), so a forged host cannot put its own address into a citizen's SMS."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

# Where no request is running and nothing is configured: `make run`'s default address.
FALLBACK = "http://127.0.0.1:8000"

_current: ContextVar[HttpRequest | None] = ContextVar("pervichka_site_request", default=None)


def site_url() -> str:
    """The site's base address, without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    request = _current.get()
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return FALLBACK


def absolute(path: str) -> str:
    """`path` (from reverse()) as a full address for a message that leaves the site."""
    return site_url() + path


class SiteURLMiddleware:
    """Remembers the request for site_url() while it is handled (and its on-commit work runs,
    which is where messages are queued)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
