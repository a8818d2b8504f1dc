"""Security headers Django does not set by itself."""

from urllib.parse import urlsplit

from django.conf import settings

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
