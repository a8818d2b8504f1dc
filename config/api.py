"""The JSON API at /api/v1/: one ninja router per app, assembled here."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

from pervichka.accounts.auth import ActiveSessionAuth, TokenAuth
from pervichka.appeals.api import public_router as public_appeals_router
from pervichka.appeals.api import router as appeals_router
from pervichka.core.api import install_error_handlers
from pervichka.deputies.api import router as deputies_router
from pervichka.dues.api import router as dues_router
from pervichka.greening.api import router as greening_router
from pervichka.ideas.api import public_router as public_ideas_router
from pervichka.ideas.api import router as ideas_router
from pervichka.media.api import public_router as public_news_router
from pervichka.media.api import router as media_router
from pervichka.orgs.api import router as orgs_router
from pervichka.outreach.api import router as outreach_router
from pervichka.people.api import memberships_router, persons_router
from pervichka.projects.api import router as projects_router
from pervichka.promises.api import public_router as public_promises_router
from pervichka.promises.api import router as promises_router
from pervichka.rating.api import router as rating_router
from pervichka.training.api import public_router as public_certificates_router
from pervichka.training.api import router as training_router
from pervichka.youth.api import router as youth_router


def _login_for_the_docs_page(view):
    """ninja applies `docs_decorator` to the OpenAPI document and to the docs page alike;
    only the page (Swagger UI) needs a login, the document is the public contract."""
    if getattr(getattr(view, "func", None), "__name__", "") == "openapi_view":
        return login_required(view)
    return view


api = NinjaAPI(
    title="Pervichka API",
    version="1",
    description=(
        "The branch network's data, scoped to the caller's roles. Authenticate with a session "
        "(browser) or `Authorization: Bearer <token>` (scripts; create one on the API tokens "
        "page). Anything outside the caller's subtree answers 404. Errors are "
        "`{message, errors: {field: [messages]}}` in the language of `Accept-Language`."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    # Swagger UI is served from ninja's own static files ("ninja" in INSTALLED_APPS), under
    # the site's CSP, to logged-in staff only. The OpenAPI document itself stays public.
    docs_decorator=_login_for_the_docs_page,
)
install_error_handlers(api)
api.add_router("/org-units", orgs_router)
api.add_router("/persons", persons_router)
api.add_router("/memberships", memberships_router)
api.add_router("/appeals", appeals_router)
api.add_router("/dues", dues_router)
api.add_router("/youth", youth_router)
api.add_router("/projects", projects_router)
# Plantings and the contest kept their paths when they left the projects app.
api.add_router("/projects/plantings", greening_router)
api.add_router("/projects", ideas_router)
api.add_router("/deputies", deputies_router)
api.add_router("/promises", promises_router)
api.add_router("/training", training_router)
api.add_router("/rating", rating_router)
api.add_router("/media", media_router)
api.add_router("/outreach", outreach_router)
api.add_router("/public", public_appeals_router)
api.add_router("/public/ideas", public_ideas_router)
api.add_router("/public/promises", public_promises_router)
api.add_router("/public/certificates", public_certificates_router)
api.add_router("/public/news", public_news_router)
