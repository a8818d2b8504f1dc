import datetime as dt
import hashlib

from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST

from pervichka.accounts.authcache import roles_cached
from pervichka.appeals.enums import OPEN_STATUSES
from pervichka.appeals.selectors import (
    appeals_visible,
    branches_public,
    field_receptions_upcoming_public,
)
from pervichka.core import freshness
from pervichka.core.dbrouter import read_current, replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, scope_signature
from pervichka.media import selectors as media
from pervichka.orgs.selectors import org_units_visible
from pervichka.people.selectors import member_counts_by_unit
from pervichka.site import figures, health, portalcache
from pervichka.site import help as user_guide

# The start page's figures are counts over the whole scope (a region: tens of thousands of
# members). They are cached under the write counter (core.freshness): fresh after every
# write, and not recounted while nothing changes. A day bounds what a stale key can cost.
FIGURES_SECONDS = 24 * 3600

# The portal's home is built once per news version, language and day, and served from the
# cache to every reader (a bare view's speed is the goal: docs/benchmarks.md); anonymous
# readers get it before most of the middleware (site.portalcache).
PORTAL_NEWS = 6
PORTAL_PARTNER_NEWS = 5
CSRF_PLACEHOLDER = portalcache.CSRF_PLACEHOLDER


def _figures(user) -> dict:
    units = org_units_visible(user)
    counts = member_counts_by_unit(user)
    return {
        "unit_count": units.count(),
        "primary_count": units.filter(kind="primary").count(),
        "member_count": sum(counts.values()),
        "appeals": _appeal_counts(user),
    }


def _sections(user, today: dt.date) -> dict:
    """The dashboard's figures and their HTML, rendered once for the cache: the fragment
    holds the figures and their links only (no user, CSRF token or messages)."""
    sections = figures.district_sections(user, today=today)
    html = render_to_string("site/includes/sections.html", {"sections": sections, "linked": True})
    return {"sections": sections, "sections_html": str(html)}


def home(request: HttpRequest) -> HttpResponse:
    """The start page: who I am here, and the size of what I look after. Citizens (not
    logged in) get the public portal."""
    if not request.user.is_authenticated:
        return redirect("public:home")
    user = request.user
    # The roles come with the user from the cache (accounts.authcache): no query.
    roles = roles_cached(user)
    # The whole page is the same for every holder of one role set (the figures, the menu,
    # the roles listed) in one language on one day until the next write: it is rendered once
    # and cached under the write counter, with markers where each request puts its own CSRF
    # token, the user's name and their flash messages (a profile of one warm request: the
    # rendering of home.html and base.html was half of its time).
    today = timezone.localdate()
    held = repr((scope_signature(user), user.is_staff, [(a.role, a.org_unit_id) for a in roles]))
    signature = hashlib.sha256(held.encode()).hexdigest()[:24]
    key = f"home-page:{signature}:{today}:{get_language()}:{get_script_prefix()}"
    page = freshness.cached_fresh(
        key, lambda: _home_page(request, user, roles, today), FIGURES_SECONDS
    )
    return HttpResponse(_filled(request, user, page))


# Stand in the cached start page for what is each request's own. Comments: escaped data
# (every name in the page) cannot produce "<!--".
MARK_CSRF = "<!--pervichka:csrf-->"
MARK_NAME = "<!--pervichka:name-->"
MARK_MESSAGES = "<!--pervichka:messages-->"


class _UserForTheCachedPage:
    """The user as the cached page renders them: their name is a marker (the page is shared
    by every holder of the role set); the rest (authenticated, superuser) is the user's."""

    username = mark_safe(MARK_NAME)

    def __init__(self, user) -> None:
        self._user = user

    def __getattr__(self, name: str):
        return getattr(self._user, name)

    def get_full_name(self) -> str:
        return mark_safe(MARK_NAME)


def _home_page(request: HttpRequest, user, roles: list, today: dt.date) -> str:
    # The figures depend on the scope (users holding the same roles at the same units share
    # them), on every write (the counter), on the day (deadlines) and on the language
    # (labels). Computed on the replica only when it has replayed all the primary held at
    # the moment (read_current): the figures are cached until the next write, and a lagging
    # replica would cache the figures from before it.
    key = f"home-figures:{scope_signature(user)}:{today}:{get_language()}"
    if figures.shows_dashboard(user):
        computed = lambda: read_current(lambda: _sections(user, today))  # noqa: E731
    else:
        computed = lambda: read_current(lambda: _figures(user))  # noqa: E731
    context = {
        "roles": roles,
        "sections_html": "",
        "can_members": has_perm_anywhere(user, Perm.MEMBERS_VIEW),
        **freshness.cached_fresh(key, computed, FIGURES_SECONDS),
        "user": _UserForTheCachedPage(user),
        "csrf_token": mark_safe(MARK_CSRF),
        "page_messages": mark_safe(MARK_MESSAGES),
    }
    context["sections_html"] = mark_safe(context["sections_html"])  # rendered by us, escaped
    return str(render_to_string("site/home.html", context, request=request))


def _filled(request: HttpRequest, user, page: str) -> str:
    """The cached page with this request's own parts: its CSRF token, the user's name and
    the flash messages (read, so they are shown once)."""
    messages = list(get_messages(request))
    return (
        page.replace(MARK_CSRF, get_token(request))
        .replace(MARK_NAME, escape(user.get_full_name() or user.username))
        .replace(
            MARK_MESSAGES,
            render_to_string("includes/messages.html", {"messages": messages}) if messages else "",
        )
    )


def _month(raw: str, today: dt.date) -> Period:
    """The month asked for as YYYY-MM (the last full month by default), never in the future."""
    try:
        year, month = (int(part) for part in raw.split("-"))
        first = dt.date(year, month, 1)
    except (ValueError, TypeError):
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if first > today or first.year < 2000:
        first = today.replace(day=1)
    return Period.month(first.year, first.month)


@login_required
@replica_reads
def monthly_report(request: HttpRequest) -> HttpResponse:
    """The district's figures for a month, printable and as XLSX, for the report upward."""
    user = request.user
    if not figures.shows_dashboard(user):
        raise Http404
    today = timezone.localdate()
    month = _month(request.GET.get("month", ""), today)
    sections = figures.district_sections(user, today=today, month=month)
    unit = figures.root_unit(user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"report-{month.start:%Y-%m}.xlsx",
            _("Monthly report"),
            [_("Section"), _("Figure"), _("Value"), _("Details")],
            (
                [section.title, figure.label, figure.value, figure.detail]
                for section in sections
                for figure in section.figures
            ),
        )
    return render(
        request,
        "site/monthly_report.html",
        {"sections": sections, "month": month, "today": today, "unit": unit},
    )


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


def portal_home(request: HttpRequest) -> HttpResponse:
    """The public portal's home: the latest news, the branch's sections, what citizens can
    do here and the field receptions ahead. Served from the cache; see `portal_page`."""
    messages = list(get_messages(request))
    if messages:  # a flash message is the reader's own: this one page is built for them
        return HttpResponse(_portal_page(request, messages=messages))
    html = portalcache.page(get_language(), lambda: _portal_page(None, messages=[]))
    return HttpResponse(portalcache.with_token(html, request))


def _portal_page(request: HttpRequest | None, *, messages: list) -> str:
    """The home page's HTML. For the cache (`request` None) the CSRF token of the language
    switch is a placeholder that every response fills with the reader's own token.

    Computed on the replica only when it holds all the primary held: the page is cached
    under the news version, and a lagging replica would cache the news from before it."""
    context = read_current(
        lambda: {
            "news": list(media.news_latest(PORTAL_NEWS)),
            "receptions": list(field_receptions_upcoming_public()[:5]),
            "branches": branches_public(),
            "partners": list(media.partners_public()),
            "partner_news": media.partner_news_public(PORTAL_PARTNER_NEWS),
        }
    )
    context |= {"messages": messages, "language_next": reverse("public:home")}
    if request is None:
        context["csrf_token"] = CSRF_PLACEHOLDER
    return render_to_string("site/portal_home.html", context, request=request)


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    """The user guide in the reader's language. ?from=<URL name> (the Help item of the menu
    passes the page the user is on) redirects to the section about that page."""
    came_from = request.GET.get("from", "")
    if came_from:
        anchor = user_guide.section_for(came_from[:100])
        return redirect(reverse("site:help") + (f"#{anchor}" if anchor else ""))
    html, headings = user_guide.guide(get_language() or "ru")
    return render(
        request,
        "site/help.html",
        {"guide": mark_safe(html), "headings": [h for h in headings if h[0] == 2]},
    )
