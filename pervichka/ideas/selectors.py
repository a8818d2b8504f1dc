"""Reads of the ideas contest, already limited to what the acting user may see: staff reads
start from `visible_to(user, perm)`; what the portal shows (published ideas, an idea by its
code, the shortlist) has its own public reads here, with no personal data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere
from pervichka.ideas.enums import IdeaStatus
from pervichka.ideas.models import Contest, Idea, JuryCriterion, JuryScore
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.projects.enums import ProjectKpi
from pervichka.projects.models import Project
from pervichka.projects.selectors import under


def contest_perm(user) -> Perm | None:
    """Who works on the contest: moderators see every idea, the jury the published ones."""
    if has_perm_anywhere(user, Perm.PROJECTS_ADMIN):
        return Perm.PROJECTS_ADMIN
    if has_perm_anywhere(user, Perm.IDEAS_JURY):
        return Perm.IDEAS_JURY
    return None


def ideas_visible(user, *, perm: Perm = Perm.PROJECTS_ADMIN) -> QuerySet[Idea]:
    queryset = Idea.objects.visible_to(user, perm).select_related(
        "contest", "settlement", "unit", "author", "merged_into"
    )
    if perm == Perm.IDEAS_JURY:
        queryset = queryset.filter(status=IdeaStatus.PUBLISHED)
    return queryset


def idea_get(user, pk: object, *, perm: Perm) -> Idea:
    return get_or_404(ideas_visible(user, perm=perm), pk=pk)


def contests_visible(user, *, perm: Perm) -> QuerySet[Contest]:
    return Contest.objects.visible_to(user, perm).select_related("district")


def criteria_of(contest: Contest) -> list[JuryCriterion]:
    """The criteria of a contest the caller has already read (through a scoped read)."""
    return list(contest.criteria.all())


def merge_choices(idea: Idea) -> QuerySet[Idea]:
    """The published ideas of the same contest another idea can be merged into."""
    return idea.contest.ideas.filter(status=IdeaStatus.PUBLISHED).exclude(pk=idea.pk)


def scored_by(juror) -> set[int]:
    """The ideas the juror has scored (their own scores only)."""
    return set(JuryScore.objects.filter(juror=juror).values_list("idea_id", flat=True))


def scores_of(idea: Idea, juror) -> dict[int, int]:
    """The juror's own scores of an idea: {criterion id: score}."""
    return dict(
        JuryScore.objects.filter(idea=idea, juror=juror).values_list("criterion_id", "score")
    )


# --- the portal ------------------------------------------------------------------------------


def idea_public(code: str) -> Idea | None:
    return (
        Idea.objects.select_related("contest", "contest__district", "settlement", "merged_into")
        .filter(code=(code or "").strip().upper())
        .first()
    )


def idea_by_key(key: str) -> Idea | None:
    """The idea a submission with this idempotency key has already made, if any."""
    if not key:
        return None
    return Idea.objects.filter(idempotency_key=key).first()


def contests_public(year: int, district_id: int | None = None) -> QuerySet[Contest]:
    contests = Contest.objects.filter(year=year).select_related("district")
    if district_id is not None:
        contests = contests.filter(district_id=district_id)
    return contests


def contest_public(pk: object) -> Contest | None:
    return Contest.objects.select_related("district").filter(pk=pk).first()


def districts_with_contests(year: int) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(kind=OrgKind.DISTRICT, contests__year=year).distinct()


def ideas_public(contests: QuerySet[Contest]) -> QuerySet[Idea]:
    """The published ideas of the contests, the most voted first (no personal data)."""
    return (
        Idea.objects.filter(contest__in=contests, status=IdeaStatus.PUBLISHED)
        .select_related("settlement", "contest")
        .order_by("-votes_count", "-submitted_at")
    )


def settlement_public(pk: object) -> Settlement:
    """A settlement a resident can send an idea from (404 when there is none)."""
    return get_or_404(Settlement.objects.filter(is_active=True).select_related("district"), pk=pk)


def settlements_public() -> QuerySet[Settlement]:
    """The settlements the portal's idea form offers."""
    return Settlement.objects.filter(is_active=True, district__is_active=True).select_related(
        "district"
    )


def ideas_submitted_in(project: Project, year: int) -> int:
    """Ideas submitted to the project's contests of the year, everywhere (the portal)."""
    return project.contests.filter(year=year).aggregate(n=Count("ideas", distinct=True))["n"]


def kpi_actuals(project: Project, user, unit: OrgUnit | None, period: Period) -> dict[str, float]:
    """Ideas submitted in the period for the units the user sees (under `unit`). An idea
    counts for its own unit (the primary of the author's village, else the district), not
    for the contest's district as the staff pages scope it."""
    units = under(OrgUnit.objects.visible_to(user, Perm.PROJECTS_VIEW), unit)
    return {
        ProjectKpi.IDEAS_SUBMITTED: float(
            Idea.objects.filter(
                unit__in=units,
                contest__project=project,
                submitted_at__date__gte=period.start,
                submitted_at__date__lte=period.end,
            ).count()
        )
    }


# --- the shortlist -------------------------------------------------------------------------


@dataclass
class RankedIdea:
    idea: Idea
    jury: float  # 0..10, weighted over the criteria, averaged over jurors
    jurors: int
    votes: int
    votes_share: float  # votes / the most votes any published idea has
    combined: float  # 0..1
    rank: int = 0


def ranking(contest: Contest) -> list[RankedIdea]:
    """Published ideas by the combined score:
    jury_share × jury/10 + (1 − jury_share) × votes / max votes."""
    ideas = list(contest.ideas.filter(status=IdeaStatus.PUBLISHED).select_related("settlement"))
    criteria = {c.pk: c for c in contest.criteria.all()}
    total_weight = sum((c.weight for c in criteria.values()), Decimal(0)) or Decimal(1)
    # mean score per (idea, criterion), normalized to 0..1 by the criterion's top score
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    jurors: dict[int, set[int]] = defaultdict(set)
    for idea_id, criterion_id, juror_id, score in JuryScore.objects.filter(
        idea__in=ideas
    ).values_list("idea_id", "criterion_id", "juror_id", "score"):
        sums[(idea_id, criterion_id)].append(score)
        jurors[idea_id].add(juror_id)
    most_votes = max((i.votes_count for i in ideas), default=0)
    share = float(contest.jury_share)
    ranked = []
    for idea in ideas:
        jury = 0.0
        for cid, criterion in criteria.items():
            scores = sums.get((idea.pk, cid))
            if scores:
                mean = sum(scores) / len(scores)
                jury += float(criterion.weight / total_weight) * mean / criterion.max_score
        votes_share = idea.votes_count / most_votes if most_votes else 0.0
        ranked.append(
            RankedIdea(
                idea=idea,
                jury=round(jury * 10, 2),
                jurors=len(jurors.get(idea.pk, ())),
                votes=idea.votes_count,
                votes_share=votes_share,
                combined=share * jury + (1 - share) * votes_share,
            )
        )
    ranked.sort(key=lambda r: (-r.combined, -r.votes, r.idea.submitted_at))
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return ranked


def formula_text(contest: Contest) -> str:
    share = float(contest.jury_share)
    return _(
        "score = %(jury)s × jury score / 10 + %(public)s × votes / the most votes of any idea"
    ) % {"jury": f"{share:.2f}", "public": f"{1 - share:.2f}"}
