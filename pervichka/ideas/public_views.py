"""The ideas contest on the public portal: submit an idea, follow it by its code, vote with a
code sent by SMS, and the shortlist. No personal data is shown: authors and voters stay
private."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.forms import apply_validation_error
from pervichka.core.idempotency import IdempotencyConflict
from pervichka.core.paginator import CappedPaginator
from pervichka.core.ratelimit import client_ip, hit
from pervichka.ideas import selectors, services
from pervichka.ideas.forms import PublicIdeaForm, VoteCodeForm, VotePhoneForm


def _limited(request: HttpRequest, scope: str, limit: int) -> bool:
    return not hit(scope, client_ip(request), limit=limit, window_seconds=3600)


def ideas(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    districts = selectors.districts_with_contests(year)
    district_id = request.GET.get("district", "")
    contests = selectors.contests_public(year, int(district_id) if district_id.isdigit() else None)
    contest = contests.first() if district_id.isdigit() or contests.count() == 1 else None
    queryset = selectors.ideas_public(contests)
    page = CappedPaginator(queryset, 20).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "ideas/public/ideas.html",
        {
            "page": page,
            "districts": districts,
            "district_id": district_id,
            "contest": contest,
            "year": year,
        },
    )


def _conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
    """Another idea under a used key: a new key, and the first idea stays unseen."""
    data = request.POST.copy()
    data["idempotency_key"] = uuid.uuid4().hex
    form = PublicIdeaForm(data)
    form.is_valid()
    form.add_error(None, exc.message)
    return render(request, "ideas/public/idea_submit.html", {"form": form}, status=409)


def _as_int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def idea_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PublicIdeaForm(request.POST)
        key = request.POST.get("idempotency_key", "")
        existing = selectors.idea_by_key(key)
        if existing is not None:
            try:
                services.idea_ensure_same(
                    existing,
                    settlement=_as_int(request.POST.get("settlement")),
                    title=request.POST.get("title", ""),
                    text=request.POST.get("text", ""),
                )
            except IdempotencyConflict as exc:
                return _conflict(request, exc)
            return redirect("public:idea", code=existing.code)
        if form.is_bot():
            return render(request, "ideas/public/idea_received.html")
        if _limited(request, "idea-submit", settings.PERVICHKA_PUBLIC_RATE_PER_HOUR):
            form.is_valid()
            form.add_error(
                None, _("Too many ideas from this connection in the last hour. Try again later.")
            )
            return render(request, "ideas/public/idea_submit.html", {"form": form}, status=429)
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
            except IdempotencyConflict as exc:
                return _conflict(request, exc)
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
    return render(request, "ideas/public/idea_submit.html", {"form": form})


def idea_public(request: HttpRequest, code: str) -> HttpResponse:
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    return render(
        request,
        "ideas/public/idea.html",
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
                "ideas/public/vote_code.html",
                {"idea": idea, "form": VoteCodeForm(initial={"token": challenge.token})},
            )
    return render(
        request,
        "ideas/public/idea.html",
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
    return render(request, "ideas/public/vote_code.html", {"idea": idea, "form": form}, status=400)


def shortlist_public(request: HttpRequest, contest: int) -> HttpResponse:
    contest = selectors.contest_public(contest)
    if contest is None:
        raise Http404
    ranked = selectors.ranking(contest)[: contest.shortlist_size]
    return render(
        request,
        "ideas/public/shortlist.html",
        {"contest": contest, "ranked": ranked, "formula": selectors.formula_text(contest)},
    )
