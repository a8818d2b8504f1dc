from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST

from pervichka.accounts.selectors import roles_of
from pervichka.appeals.enums import OPEN_STATUSES
from pervichka.appeals.selectors import appeals_visible, field_receptions_upcoming_public
from pervichka.core.dbrouter import reads_from_replica, replica_reads
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, remember_scope
from pervichka.orgs.selectors import org_units_visible
from pervichka.people.selectors import member_counts_by_unit
from pervichka.site import health

# The start page's figures are counts over the whole scope (a region: tens of thousands of
# members). They are kept for a minute per user: nobody needs them more exact than that,
# and a district head opening the page many times a day should not recount them each time.
FIGURES_SECONDS = 60


def _figures(user) -> dict:
    # Counts over a whole scope, a minute old at worst anyway: the replica may answer.
    with reads_from_replica():
        units = org_units_visible(user)
        counts = member_counts_by_unit(user)
        return {
            "unit_count": units.count(),
            "primary_count": units.filter(kind="primary").count(),
            "member_count": sum(counts.values()),
            "appeals": _appeal_counts(user),
        }


def home(request: HttpRequest) -> HttpResponse:
    """The start page: who I am here, and the size of what I look after. Citizens (not
    logged in) get the public portal."""
    if not request.user.is_authenticated:
        return redirect("public:home")
    user = request.user
    # One query for the roles shown and the scope that every check below uses.
    roles = list(roles_of(user))
    remember_scope(user, roles)
    # The figures depend on the assignments: a new or revoked one makes a new key.
    assignments = ",".join(str(a.pk) for a in roles)
    key = f"home-figures:{user.pk}:{assignments}:{timezone.localdate()}"
    context = {
        "roles": roles,
        "can_members": has_perm_anywhere(user, Perm.MEMBERS_VIEW),
        **cache.get_or_set(key, lambda: _figures(user), FIGURES_SECONDS),
    }
    return render(request, "site/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers (liveness): nothing else is asked."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """The node can serve (readiness): 200, or 503 with the reasons; see site/health.py."""
    ready, report = health.readiness()
    return JsonResponse(report, status=200 if ready else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape: only for the addresses or the token in settings, else 404."""
    if not health.metrics_allowed(request):
        raise Http404
    return HttpResponse(health.metrics_text(), content_type=CONTENT_TYPE_LATEST)


def _appeal_counts(user) -> dict | None:
    """Open and overdue appeals in the user's scope, for the start page."""
    if not has_perm_anywhere(user, Perm.APPEALS_VIEW):
        return None
    open_appeals = appeals_visible(user).filter(status__in=OPEN_STATUSES)
    return {
        "open": open_appeals.count(),
        "overdue": open_appeals.filter(due_date__lt=timezone.localdate()).count(),
    }


@replica_reads
def portal_home(request: HttpRequest) -> HttpResponse:
    """The public portal's home: what citizens can do here, and the field receptions ahead."""
    return render(
        request,
        "site/portal_home.html",
        {"receptions": field_receptions_upcoming_public()[:5]},
    )
