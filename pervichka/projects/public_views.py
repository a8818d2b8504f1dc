"""The projects on the public portal: what the party's projects did, the ТазаLike map, and
the ideas contest (submit an idea, follow it by its code, vote with a code sent by SMS).
No personal data is shown: authors and voters stay private."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.ratelimit import client_ip, hit
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.projects import selectors, services
from pervichka.projects.enums import EventStatus, IdeaStatus, ProjectKind
from pervichka.projects.forms import PublicIdeaForm, VoteCodeForm, VotePhoneForm
from pervichka.projects.models import Contest, Event, Planting


def _limited(request: HttpRequest, scope: str, limit: int) -> bool:
    return not hit(scope, client_ip(request), limit=limit, window_seconds=3600)


def _map_context() -> dict:
    return {
        "map_tiles": settings.PERVICHKA_MAP_TILES,
        "map_attribution": settings.PERVICHKA_MAP_ATTRIBUTION,
    }


def projects_home(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    held = Event.objects.filter(status=EventStatus.HELD, date__year=year)
    cards = []
    for project in selectors.projects_active():
        if project.kind == ProjectKind.CONTEST:
            figure = project.contests.filter(year=year).aggregate(n=Count("ideas", distinct=True))[
                "n"
            ]
        elif project.kind == ProjectKind.GREENING:
            figure = (
                Planting.objects.filter(project=project, planted_on__year=year).aggregate(
                    n=Sum("count")
                )["n"]
                or 0
            )
        else:
            figure = held.filter(project=project).count()
        cards.append((project, figure))
    return render(request, "projects/public/home.html", {"cards": cards, "year": year})


def project_public(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(code)
    if not project.is_active:
        raise Http404
    if project.kind == ProjectKind.CONTEST:
        return redirect("public:ideas")
    year = timezone.localdate().year
    events = (
        Event.objects.filter(project=project, status=EventStatus.HELD)
        .select_related("primary", "settlement")
        .order_by("-date", "-pk")
    )
    context = {
        "project": project,
        "year": year,
        "events": events[:20],
        "events_this_year": events.filter(date__year=year).count(),
    }
    if project.kind == ProjectKind.GREENING:
        plantings = selectors.with_survival(
            Planting.objects.filter(project=project, planted_on__year=year).select_related(
                "settlement", "primary"
            )
        )
        by_settlement, _by_primary = selectors.planting_totals(plantings, project, year)
        context.update(
            {
                "points": selectors.map_points(plantings[:5000]),
                "by_settlement": by_settlement[:30],
                "planted": sum(r.planted for r in by_settlement),
                **_map_context(),
            }
        )
    return render(request, "projects/public/project.html", context)


def _districts_with_contests(year: int):
    return OrgUnit.objects.filter(kind=OrgKind.DISTRICT, contests__year=year).distinct()


def ideas(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    districts = _districts_with_contests(year)
    district_id = request.GET.get("district", "")
    contests = Contest.objects.filter(year=year).select_related("district")
    if district_id.isdigit():
        contests = contests.filter(district_id=int(district_id))
    contest = contests.first() if district_id.isdigit() or contests.count() == 1 else None
    queryset = (
        selectors.Idea.objects.filter(contest__in=contests, status=IdeaStatus.PUBLISHED)
        .select_related("settlement", "contest")
        .order_by("-votes_count", "-submitted_at")
    )
    page = CappedPaginator(queryset, 20).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "projects/public/ideas.html",
        {
            "page": page,
            "districts": districts,
            "district_id": district_id,
            "contest": contest,
            "year": year,
        },
    )


def idea_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PublicIdeaForm(request.POST)
        key = request.POST.get("idempotency_key", "")
        existing = selectors.Idea.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return redirect("public:idea", code=existing.code)
        if form.is_bot():
            return render(request, "projects/public/idea_received.html")
        if _limited(request, "idea-submit", settings.PERVICHKA_PUBLIC_RATE_PER_HOUR):
            form.is_valid()
            form.add_error(
                None, _("Too many ideas from this connection in the last hour. Try again later.")
            )
            return render(request, "projects/public/idea_submit.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                idea, _created = services.idea_submit_public(
                    settlement=data["settlement"],
                    data=form.person_data("electronic"),
                    title=data["title"],
                    text=data["text"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Your idea is received. Keep its code %(code)s to follow "
                        "it; we also send an SMS when it is published."
                    )
                    % {"code": idea.code},
                )
                return redirect("public:idea", code=idea.code)
    else:
        form = PublicIdeaForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "projects/public/idea_submit.html", {"form": form})


def idea_public(request: HttpRequest, code: str) -> HttpResponse:
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    return render(
        request,
        "projects/public/idea.html",
        {
            "idea": idea,
            "voting_open": services.voting_open(idea),
            "phone_form": VotePhoneForm(),
        },
    )


@require_POST
def idea_vote(request: HttpRequest, code: str) -> HttpResponse:
    """Step one: the phone number; a code goes to it by SMS."""
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    form = VotePhoneForm(request.POST)
    if _limited(request, "vote-code", settings.PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR):
        messages.error(request, _("Too many attempts. Please try again in an hour."))
        return redirect("public:idea", code=idea.code)
    if form.is_valid():
        try:
            challenge = services.vote_request_code(idea=idea, phone=form.cleaned_data["phone"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(
                request,
                "projects/public/vote_code.html",
                {"idea": idea, "form": VoteCodeForm(initial={"token": challenge.token})},
            )
    return render(
        request,
        "projects/public/idea.html",
        {"idea": idea, "voting_open": services.voting_open(idea), "phone_form": form},
        status=400,
    )


@require_POST
def idea_vote_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Step two: the code from the SMS; the vote counts once per phone number."""
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    form = VoteCodeForm(request.POST)
    if _limited(request, "vote-confirm", settings.PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR * 3):
        messages.error(request, _("Too many attempts. Please try again in an hour."))
        return redirect("public:idea", code=idea.code)
    if form.is_valid():
        try:
            services.vote_confirm(token=form.cleaned_data["token"], code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Thank you! Your vote is counted."))
            return redirect("public:idea", code=idea.code)
    return render(
        request, "projects/public/vote_code.html", {"idea": idea, "form": form}, status=400
    )


def shortlist_public(request: HttpRequest, contest: int) -> HttpResponse:
    contest = Contest.objects.select_related("district").filter(pk=contest).first()
    if contest is None:
        raise Http404
    ranked = selectors.ranking(contest)[: contest.shortlist_size]
    return render(
        request,
        "projects/public/shortlist.html",
        {"contest": contest, "ranked": ranked, "formula": selectors.formula_text(contest)},
    )
