"""The contest's pages for staff: moderation of the residents' ideas, the jury's scores and
the shortlist. Thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pervichka.core.actions import FormAction, form_action
from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at
from pervichka.ideas import selectors, services
from pervichka.ideas.enums import IdeaStatus
from pervichka.ideas.forms import ModerateForm, ScoreForm


def _invalid(form) -> ValidationError:
    """A form's errors as one message for the page the user returns to."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return ValidationError(parts)


def _contest_perm(user) -> Perm:
    perm = selectors.contest_perm(user)
    if perm is None:
        raise Http404
    return perm


@login_required
def ideas(request: HttpRequest) -> HttpResponse:
    perm = _contest_perm(request.user)
    contests = selectors.contests_visible(request.user, perm=perm)
    contest = None
    if request.GET.get("contest", "").isdigit():
        contest = get_or_404(contests, pk=request.GET["contest"])
    else:
        contest = contests.first()
    queryset = selectors.ideas_visible(request.user, perm=perm)
    if contest is not None:
        queryset = queryset.filter(contest=contest)
    status = request.GET.get("status", "")
    if status in IdeaStatus.values and perm == Perm.PROJECTS_ADMIN:
        queryset = queryset.filter(status=status)
    scored = set()
    if perm == Perm.IDEAS_JURY:
        scored = selectors.scored_by(request.user)
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "ideas/ideas.html",
        {
            "page": page,
            "contest": contest,
            "contests": contests,
            "status": status,
            "statuses": IdeaStatus.choices,
            "is_admin": perm == Perm.PROJECTS_ADMIN,
            "scored": scored,
        },
    )


@login_required
def idea(request: HttpRequest, pk: int) -> HttpResponse:
    perm = _contest_perm(request.user)
    idea = selectors.idea_get(request.user, pk, perm=perm)
    is_admin = has_perm_at(request.user, Perm.PROJECTS_ADMIN, idea.contest.district.path)
    is_juror = has_perm_at(request.user, Perm.IDEAS_JURY, idea.contest.district.path)
    criteria = selectors.criteria_of(idea.contest)
    mine = selectors.scores_of(idea, request.user)
    if request.method == "POST":
        actions = _idea_actions(request, idea, criteria, is_admin, is_juror)
        result = form_action(request, actions, request.POST.get("action"))
        if result.ok:
            messages.success(request, result.value)
            return redirect("ideas:idea", pk=idea.pk)
        messages.error(request, " ".join(result.messages()))
    return render(
        request,
        "ideas/idea.html",
        {
            "idea": idea,
            "is_admin": is_admin,
            "is_juror": is_juror and idea.status == IdeaStatus.PUBLISHED,
            "criteria": [(c, mine.get(c.pk)) for c in criteria],
            "moderate_form": ModerateForm(idea=idea) if is_admin else None,
            "can_pii": is_admin,
        },
    )


def _idea_actions(request, idea, criteria, is_admin: bool, is_juror: bool) -> dict:
    """What this user may do on the idea's page: moderate (the district), score (the jury)."""
    actions = {}
    if is_admin:

        def moderate(data: dict) -> str:
            services.idea_moderate(
                actor=request.user,
                idea=idea,
                to=data["to"],
                reason=data["reason"],
                merge_into=data["merge_into"],
            )
            return _("The decision is saved; the author gets an SMS.")

        actions["moderate"] = FormAction(
            form=lambda data, files: ModerateForm(data, idea=idea),
            handle=moderate,
            invalid=lambda form: " ".join(_invalid(form).messages),
        )
    if is_juror:

        def score(data: dict) -> str:
            scores = {int(name[1:]): value for name, value in data.items()}
            services.jury_score(actor=request.user, idea=idea, scores=scores)
            return _("Your scores are saved.")

        actions["score"] = FormAction(
            form=lambda data, files: ScoreForm(data, criteria=criteria),
            handle=score,
            invalid=_("Score the idea on every criterion."),
        )
    return actions


@login_required
@replica_reads
def shortlist(request: HttpRequest, contest: int) -> HttpResponse:
    perm = _contest_perm(request.user)
    contest = get_or_404(selectors.contests_visible(request.user, perm=perm), pk=contest)
    ranked = selectors.ranking(contest)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"shortlist-{contest.year}.xlsx",
            _("Shortlist"),
            [_("Place"), _("Idea"), _("Settlement"), _("Jury (0–10)"), _("Votes"), _("Score")],
            (
                [
                    r.rank,
                    r.idea.title,
                    str(r.idea.settlement),
                    r.jury,
                    r.votes,
                    round(r.combined, 4),
                ]
                for r in ranked
            ),
        )
    return render(
        request,
        "ideas/shortlist.html",
        {
            "contest": contest,
            "ranked": ranked,
            "size": contest.shortlist_size,
            "formula": selectors.formula_text(contest),
        },
    )
