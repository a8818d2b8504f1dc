"""Security headers Django does not set by itself; a cap on request bodies; the request id;
503 while the database is away."""

import contextvars
import logging
import re
import sys
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

# Scripts only from our own static files (no inline script, no eval); styles may be inline
# (Bootstrap and the templates set style attributes); images may be data: URIs (Bootstrap's
# icons). Nothing may frame the pages.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def content_security_policy() -> str:
    """The policy, with the map's tile server let in for images when one is set."""
    policy = getattr(settings, "PERVICHKA_CSP", CSP)
    tiles = getattr(settings, "PERVICHKA_MAP_TILES", "")
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles else parts.netloc
        policy = policy.replace(
            "img-src 'self' data:", f"img-src 'self' data: {parts.scheme}://{host}"
        )
    return policy


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        # Every page, the API docs too: Swagger UI is served from ninja's own static files.
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response


# --- Request id ----------------------------------------------------------------------------
# The id nginx passes on in X-Request-ID (or a new one), kept for the log lines written
# while the request runs: `RequestIdFilter` puts it on every record.
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get()
        return True


# --- Database unavailable ------------------------------------------------------------------
# While PostgreSQL (or PgBouncer in front of it) restarts, a request fails to connect or
# loses its connection. It gets 503 with Retry-After, which a browser shows plainly and a
# client retries (with the same idempotency key), never a stack trace. Django drops the
# broken connection at the end of the request, and the next request connects anew: the
# application recovers by itself when the database is back.
DB_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable_response() -> HttpResponse:
    response = HttpResponse(
        _("The service is briefly unavailable. Please try again in a few seconds."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def is_database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, DB_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class DatabaseUnavailableMiddleware:
    """For errors raised by a view (innermost middleware); `server_error` below answers the
    same for errors raised in other middleware (sessions, authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logging.getLogger("pervichka.database").warning(
                "database unavailable: %s: %s", type(exception).__name__, exception
            )
            return database_unavailable_response()
        return None


def server_error(request, *args, **kwargs) -> HttpResponse:
    """handler500: 503 when the cause is an unreachable database, else Django's own 500."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response()
    return defaults.server_error(request, *args, **kwargs)


class RequestSizeLimitMiddleware:
    """A request body larger than PERVICHKA_MAX_REQUEST_BYTES is answered 413 before
    anything reads it: Django would otherwise spool a huge upload to disk first and only
    then let the view look at its size. The proxy's client_max_body_size is the first
    line (docs/deployment.md); this is the second, for installations without one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.PERVICHKA_MAX_REQUEST_BYTES
        if length > limit:
            return HttpResponse(
                _("The upload is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
