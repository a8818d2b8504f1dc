"""Security headers Django does not set by itself."""

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


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(CSP_EXEMPT):
            response.headers.setdefault(
                "Content-Security-Policy", getattr(settings, "PERVICHKA_CSP", CSP)
            )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response
