"""The ideas contest over the API: moderation, the jury's scores and the ranking for staff
(mounted at /api/v1/projects, where they were before ideas became its own app), and the
portal's contest for the public (submit, follow, vote) at /api/v1/public/ideas."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.ratelimit import client_ip, hit
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.ideas import selectors, services
from pervichka.ideas.enums import IdeaStatus
from pervichka.ideas.models import Idea
from pervichka.people.services import PersonData

router = Router(tags=["projects"])
public_router = Router(tags=["public"], auth=None)
ID = Query(0, ge=0, le=2_147_483_647, description="0: any")


class IdeaOut(Schema):
    id: int
    code: str
    contest_id: int
    title: str
    text: str
    settlement_id: int
    status: IdeaStatus
    status_reason: str
    merged_into_id: int | None
    votes: int
    submitted_at: dt.datetime


class ModerateIn(Schema):
    to: IdeaStatus
    reason: str = Field("", max_length=5000)
    merge_into_id: int | None = None


class ScoresIn(Schema):
    scores: dict[int, int] = Field(..., description="criterion id → score")


class RankedOut(Schema):
    rank: int
    idea_id: int
    code: str
    title: str
    jury: float
    jurors: int
    votes: int
    score: float
    shortlisted: bool


class RankingOut(Schema):
    contest_id: int
    formula: str
    shortlist_size: int
    ideas: list[RankedOut]


def _idea_out(i: Idea) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "contest_id": i.contest_id,
        "title": i.title,
        "text": i.text,
        "settlement_id": i.settlement_id,
        "status": i.status,
        "status_reason": i.status_reason,
        "merged_into_id": i.merged_into_id,
        "votes": i.votes_count,
        "submitted_at": i.submitted_at,
    }


def _contest_perm(user) -> Perm:
    perm = selectors.contest_perm(user)
    if perm is None:
        raise Http404
    return perm


@router.get("/ideas", response=list[IdeaOut], summary="Ideas to moderate or score")
@paginate(Pagination)
def list_ideas(request, status: IdeaStatus | None = None, contest_id: int = ID):
    user = actor(request)
    perm = selectors.contest_perm(user)
    if perm is None:  # nobody's ideas to see: an empty page, as for any list
        return MappedPage(selectors.ideas_visible(user).none(), _idea_out)
    queryset = selectors.ideas_visible(user, perm=perm)
    if status:
        queryset = queryset.filter(status=status)
    if contest_id:
        queryset = queryset.filter(contest_id=contest_id)
    return MappedPage(queryset, _idea_out)


@router.post("/ideas/{idea_id}/moderation", response=IdeaOut, summary="Publish, reject, merge")
def moderate_idea(request, idea_id: int, payload: ModerateIn):
    user = actor(request)
    idea = selectors.idea_get(user, idea_id, perm=Perm.PROJECTS_ADMIN)
    merge_into = (
        selectors.idea_get(user, payload.merge_into_id, perm=Perm.PROJECTS_ADMIN)
        if payload.merge_into_id
        else None
    )
    idea = services.idea_moderate(
        actor=user, idea=idea, to=payload.to, reason=payload.reason, merge_into=merge_into
    )
    return _idea_out(idea)


@router.put("/ideas/{idea_id}/scores", response=IdeaOut, summary="A juror's scores of an idea")
def score_idea(request, idea_id: int, payload: ScoresIn):
    user = actor(request)
    idea = selectors.idea_get(user, idea_id, perm=Perm.IDEAS_JURY)
    services.jury_score(actor=user, idea=idea, scores=payload.scores)
    return _idea_out(idea)


def _ranking(contest) -> dict:
    ranked = selectors.ranking(contest)
    return {
        "contest_id": contest.pk,
        "formula": selectors.formula_text(contest),
        "shortlist_size": contest.shortlist_size,
        "ideas": [
            {
                "rank": r.rank,
                "idea_id": r.idea.pk,
                "code": r.idea.code,
                "title": r.idea.title,
                "jury": r.jury,
                "jurors": r.jurors,
                "votes": r.votes,
                "score": round(r.combined, 6),
                "shortlisted": r.rank <= contest.shortlist_size,
            }
            for r in ranked
        ],
    }


@router.get("/contests/{contest_id}/ranking", response=RankingOut, summary="The shortlist")
def get_ranking(request, contest_id: int):
    user = actor(request)
    contest = get_or_404(selectors.contests_visible(user, perm=_contest_perm(user)), pk=contest_id)
    return _ranking(contest)


# --- public: the portal's contest ---------------------------------------------------------


class PublicIdeaIn(Schema):
    settlement_id: int
    title: str = Field(..., min_length=5, max_length=200)
    text: str = Field(..., min_length=30, max_length=5000)
    surname: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=100)
    patronymic: str = Field("", max_length=100)
    phone: str = Field(..., min_length=5, max_length=20)
    email: str = Field("", max_length=254)
    consent: bool = Field(..., description="Consent to the processing of personal data.")


class PublicIdeaOut(Schema):
    code: str
    title: str
    text: str
    settlement: str
    status: IdeaStatus
    status_reason: str
    votes: int
    voting_open: bool


class VoteCodeIn(Schema):
    phone: str = Field(..., min_length=5, max_length=20)


class VoteCodeOut(Schema):
    token: str
    expires_at: dt.datetime


class VoteConfirmIn(Schema):
    token: str = Field(..., min_length=8, max_length=64)
    code: str = Field(..., min_length=6, max_length=6)


def _public_idea(i: Idea) -> dict:
    return {
        "code": i.code,
        "title": i.title,
        "text": i.text,
        "settlement": str(i.settlement),
        "status": i.status,
        "status_reason": i.status_reason if i.status == IdeaStatus.REJECTED else "",
        "votes": i.votes_count,
        "voting_open": services.voting_open(i),
    }


def _limit(request, scope: str, limit: int) -> None:
    if not hit(scope, client_ip(request), limit=limit, window_seconds=3600):
        raise HttpError(429, _("Too many attempts. Please try again in an hour."))


@public_router.post(
    "",
    response={201: PublicIdeaOut, 200: PublicIdeaOut},
    summary="Submit an idea to the contest (idempotent, rate-limited)",
)
def public_submit_idea(
    request, payload: PublicIdeaIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
):
    existing = selectors.idea_by_key(idempotency_key)
    if existing is not None:
        services.idea_ensure_same(
            existing, settlement=payload.settlement_id, title=payload.title, text=payload.text
        )
        return Status(200, _public_idea(existing))
    if not payload.consent:
        raise ValidationError({"consent": _("Without your consent we cannot accept the idea.")})
    _limit(request, "idea-submit", settings.PERVICHKA_PUBLIC_RATE_PER_HOUR)
    settlement = selectors.settlement_public(payload.settlement_id)
    idea, created = services.idea_submit_public(
        settlement=settlement,
        data=PersonData(
            surname=payload.surname,
            name=payload.name,
            patronymic=payload.patronymic,
            phone=payload.phone,
            email=payload.email,
            settlement=settlement,
            consent_method="electronic",
        ),
        title=payload.title,
        text=payload.text,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, _public_idea(idea))


@public_router.post(
    "/votes", response={201: PublicIdeaOut}, summary="Confirm a vote with the code from the SMS"
)
def public_vote_confirm(request, payload: VoteConfirmIn):
    _limit(request, "vote-confirm", settings.PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR * 3)
    vote = services.vote_confirm(token=payload.token, code=payload.code)
    return Status(201, _public_idea(selectors.idea_public(vote.idea.code)))


@public_router.get("/{code}", response=PublicIdeaOut, summary="An idea by its code")
def public_get_idea(request, code: str):
    _limit(request, "idea-track", 240)
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    return _public_idea(idea)


@public_router.post(
    "/{code}/vote-code",
    response={201: VoteCodeOut},
    summary="Send a one-time code by SMS to vote for a published idea",
)
def public_vote_code(request, code: str, payload: VoteCodeIn):
    _limit(request, "vote-code", settings.PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR)
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    challenge = services.vote_request_code(idea=idea, phone=payload.phone)
    return Status(201, {"token": challenge.token, "expires_at": challenge.expires_at})
