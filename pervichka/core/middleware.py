"""Security headers Django does not set by itself, and a cap on request bodies."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

# Scripts only from our own static files (no inline script, no eval); styles may be inline
# (Bootstrap and the templates set style attributes); images may be data: URIs (Bootstrap's
# icons). Nothing may frame the pages.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Interactive API docs load Swagger UI from its CDN; nothing else is let out of the policy.
CSP_EXEMPT = ("/api/v1/docs",)


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
        if not request.path.startswith(CSP_EXEMPT):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response


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
