"""Reads of the projects app, scoped by the primary's (or the contest's district's) path."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at, scope_paths, visible
from pervichka.dues.enums import SpendingStatus
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.projects.enums import (
    VOLUNTEER_ROLES,
    EventStatus,
    IdeaStatus,
    ProjectKind,
    ProjectKpi,
)
from pervichka.projects.models import (
    Contest,
    Event,
    EventParticipant,
    Idea,
    JuryScore,
    Participation,
    Planting,
    Project,
    ProjectTarget,
    SurvivalCheck,
)


def projects_active() -> QuerySet[Project]:
    return Project.objects.filter(is_active=True)


def project_get(code: str) -> Project:
    return get_or_404(Project.objects.all(), code=code)


GIVING = Q(role__in=VOLUNTEER_ROLES)


def participations_visible(user, *, perm: Perm = Perm.PROJECTS_VIEW) -> QuerySet[Participation]:
    return visible(
        Participation.objects.select_related("project", "primary"), user, perm, "primary__path"
    )


def participation_get(user, project: Project, primary_id: object) -> Participation:
    """The current participation of a primary the user manages projects at (404 otherwise)."""
    return get_or_404(
        participations_visible(user, perm=Perm.PROJECTS_MANAGE).filter(left_on__isnull=True),
        project=project,
        primary_id=primary_id,
    )


def participating_primaries(
    user, project: Project, unit: OrgUnit | None = None
) -> QuerySet[Participation]:
    """The primaries taking part in the project now, in the user's scope (under `unit`)."""
    rows = participations_visible(user).filter(project=project, left_on__isnull=True)
    if unit is not None:
        rows = rows.filter(primary__path__startswith=unit.path)
    return rows.order_by("primary__name")


def own_primaries(user, unit: OrgUnit | None = None) -> list[OrgUnit]:
    """The primaries whose projects the user runs as one of the primary's own people (a chair,
    a youth worker of the primary), and the primary the page is about when the user may manage
    it: where the page offers to join or leave. A district's administrators manage every
    primary, so they get the buttons on a primary's view (?unit=) rather than a long list."""
    paths = scope_paths(user, Perm.PROJECTS_MANAGE) or []
    units = OrgUnit.objects.filter(kind=OrgKind.PRIMARY, is_active=True, path__in=paths)
    if (
        unit is not None
        and unit.kind == OrgKind.PRIMARY
        and has_perm_at(user, Perm.PROJECTS_MANAGE, unit.path)
    ):
        units = units | OrgUnit.objects.filter(pk=unit.pk)
    return list(units.order_by("name"))


def events_visible(user, *, perm: Perm = Perm.PROJECTS_VIEW) -> QuerySet[Event]:
    return visible(
        Event.objects.select_related("project", "primary", "settlement", "spending"),
        user,
        perm,
        "primary__path",
    )


def event_get(user, pk: object, *, perm: Perm = Perm.PROJECTS_VIEW) -> Event:
    return get_or_404(events_visible(user, perm=perm), pk=pk)


def plantings_visible(user, *, perm: Perm = Perm.PROJECTS_VIEW) -> QuerySet[Planting]:
    return with_survival(
        visible(
            Planting.objects.select_related("primary", "settlement", "project"),
            user,
            perm,
            "primary__path",
        )
    )


def planting_get(user, pk: object, *, perm: Perm = Perm.PROJECTS_VIEW) -> Planting:
    return get_or_404(plantings_visible(user, perm=perm), pk=pk)


def with_survival(queryset: QuerySet[Planting]) -> QuerySet[Planting]:
    """Each planting with `alive` and `checked_on` of its latest check (None when unchecked)."""
    from django.db.models import OuterRef, Subquery

    latest = SurvivalCheck.objects.filter(planting=OuterRef("pk")).order_by("-checked_on", "-pk")
    return queryset.annotate(
        alive=Subquery(latest.values("alive")[:1]),
        last_checked_on=Subquery(latest.values("checked_on")[:1]),
    )


def survival_colour(count: int, alive: int | None) -> str:
    """The map's colour: green when most live, amber when many died, red when most died."""
    if alive is None:
        return "grey"
    rate = alive / count if count else 0
    if rate >= 0.8:
        return "green"
    if rate >= 0.5:
        return "amber"
    return "red"


def map_points(plantings) -> list[dict]:
    """What the map draws: one point per planting (at the settlement when no coordinates)."""
    points = []
    for p in plantings:
        lat = p.latitude if p.latitude is not None else p.settlement.latitude
        lon = p.longitude if p.longitude is not None else p.settlement.longitude
        if lat is None or lon is None:
            continue
        rate = (p.alive / p.count) if p.alive is not None and p.count else None
        points.append(
            {
                "lat": float(lat),
                "lon": float(lon),
                "colour": survival_colour(p.count, p.alive),
                "label": f"{p.species} × {p.count} — {p.settlement}, {p.planted_on:%d.%m.%Y}",
                "survival": None if rate is None else round(rate * 100),
            }
        )
    return points


def ideas_visible(user, *, perm: Perm = Perm.PROJECTS_ADMIN) -> QuerySet[Idea]:
    queryset = visible(
        Idea.objects.select_related("contest", "settlement", "unit", "author", "merged_into"),
        user,
        perm,
        "contest__district__path",
    )
    if perm == Perm.IDEAS_JURY:
        queryset = queryset.filter(status=IdeaStatus.PUBLISHED)
    return queryset


def contests_visible(user, *, perm: Perm) -> QuerySet[Contest]:
    return visible(Contest.objects.select_related("district"), user, perm, "district__path")


def idea_public(code: str) -> Idea | None:
    return (
        Idea.objects.select_related("contest", "contest__district", "settlement", "merged_into")
        .filter(code=(code or "").strip().upper())
        .first()
    )


# --- progress against targets --------------------------------------------------------------


def _under(paths: list[str] | None, field: str) -> Q:
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def kpi_actuals(project: Project, paths: list[str] | None, period: Period) -> dict[str, float]:
    """Each indicator of the project over the primaries under `paths` in the period."""
    events = Event.objects.filter(
        _under(paths, "primary__path"),
        project=project,
        date__gte=period.start,
        date__lte=period.end,
    )
    held = events.filter(status=EventStatus.HELD)
    people = EventParticipant.objects.filter(event__in=held).aggregate(
        n=Count("pk"), hours=Sum("hours", filter=GIVING)
    )
    spent = held.filter(spending__status=SpendingStatus.APPROVED).aggregate(
        s=Sum("spending__amount")
    )["s"]
    result = {
        ProjectKpi.EVENTS_HELD: float(held.count()),
        ProjectKpi.PARTICIPANTS: float(people["n"] or 0),
        ProjectKpi.VOLUNTEER_HOURS: float(people["hours"] or 0),
        ProjectKpi.SPENT: float(spent or 0),
    }
    if project.kind == ProjectKind.GREENING:
        plantings = Planting.objects.filter(
            _under(paths, "primary__path"),
            project=project,
            planted_on__gte=period.start,
            planted_on__lte=period.end,
        )
        result[ProjectKpi.TREES_PLANTED] = float(plantings.aggregate(s=Sum("count"))["s"] or 0)
        planted, alive = survival_totals(with_survival(plantings))
        result[ProjectKpi.TREE_SURVIVAL_RATE] = round(100 * alive / planted, 1) if planted else 0
    if project.kind == ProjectKind.CONTEST:
        result[ProjectKpi.IDEAS_SUBMITTED] = float(
            Idea.objects.filter(
                _under(paths, "unit__path"),
                contest__project=project,
                submitted_at__date__gte=period.start,
                submitted_at__date__lte=period.end,
            ).count()
        )
    return result


def survival_totals(plantings: QuerySet[Planting]) -> tuple[int, int]:
    """(planted, alive) over the plantings that were checked at least once."""
    planted = alive = 0
    for count, alive_now in plantings.filter(alive__isnull=False).values_list("count", "alive"):
        planted += count
        alive += alive_now
    return planted, alive


@dataclass
class ProgressRow:
    kpi: str
    label: str
    actual: float
    target: float | None

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return round(100 * self.actual / self.target)


def kpis_of(project: Project) -> list[str]:
    common = [
        ProjectKpi.EVENTS_HELD,
        ProjectKpi.PARTICIPANTS,
        ProjectKpi.VOLUNTEER_HOURS,
        ProjectKpi.SPENT,
    ]
    if project.kind == ProjectKind.GREENING:
        return [ProjectKpi.TREES_PLANTED, ProjectKpi.TREE_SURVIVAL_RATE, *common]
    if project.kind == ProjectKind.CONTEST:
        return [ProjectKpi.IDEAS_SUBMITTED]
    return common


def progress(project: Project, unit: OrgUnit | None, user, year: int) -> list[ProgressRow]:
    """The project's indicators in the year for `unit` (or the user's whole scope), with the
    unit's targets."""
    paths = [unit.path] if unit is not None else scope_paths(user, Perm.PROJECTS_VIEW)
    actual = kpi_actuals(project, paths, Period.year(year))
    targets = {}
    if unit is not None:
        targets = dict(
            ProjectTarget.objects.filter(project=project, unit=unit, year=year).values_list(
                "kpi", "target"
            )
        )
    return [
        ProgressRow(
            kpi=kpi,
            label=ProjectKpi(kpi).label,
            actual=actual.get(kpi, 0.0),
            target=float(targets[kpi]) if kpi in targets else None,
        )
        for kpi in kpis_of(project)
    ]


@dataclass
class PlantingTotal:
    key: str
    name: str
    planted: int
    checked: int
    alive: int
    target: float | None

    @property
    def survival(self) -> int | None:
        return round(100 * self.alive / self.checked) if self.checked else None

    @property
    def percent_of_target(self) -> int | None:
        return round(100 * self.planted / self.target) if self.target else None


def planting_totals(
    plantings: QuerySet[Planting], project: Project, year: int
) -> tuple[list[PlantingTotal], list[PlantingTotal]]:
    """Totals per settlement and per primary (against the primary's own target, if set)."""
    by_settlement: dict[int, PlantingTotal] = {}
    by_primary: dict[int, PlantingTotal] = {}
    for p in with_survival(plantings.select_related("settlement", "primary")):
        for table, key, name in (
            (by_settlement, p.settlement_id, str(p.settlement)),
            (by_primary, p.primary_id, str(p.primary)),
        ):
            row = table.setdefault(key, PlantingTotal(str(key), name, 0, 0, 0, None))
            row.planted += p.count
            if p.alive is not None:
                row.checked += p.count
                row.alive += p.alive
    targets = dict(
        ProjectTarget.objects.filter(
            project=project, year=year, kpi=ProjectKpi.TREES_PLANTED, unit_id__in=by_primary
        ).values_list("unit_id", "target")
    )
    for unit_id, row in by_primary.items():
        if unit_id in targets:
            row.target = float(targets[unit_id])
    order = lambda row: (-row.planted, row.name)  # noqa: E731
    return sorted(by_settlement.values(), key=order), sorted(by_primary.values(), key=order)


# --- volunteers -----------------------------------------------------------------------------


def volunteers(user, *, year: int | None = None, q: str = "") -> QuerySet:
    """People who volunteered or organized at held events in the user's scope, with their
    hours and those events (who only came as participants is not a volunteer)."""
    rows = visible(EventParticipant.objects.all(), user, Perm.PROJECTS_VIEW, "event__primary__path")
    rows = rows.filter(GIVING, event__status=EventStatus.HELD)
    if year:
        rows = rows.filter(event__date__year=year)
    if q:
        rows = rows.filter(person__search_name__contains=q.strip().lower())
    return (
        rows.values("person_id", "person__surname", "person__name", "person__patronymic")
        .annotate(
            hours=Sum("hours"),
            events=Count("event", distinct=True),
            last=Max("event__date"),
        )
        .order_by("-hours", "person__surname", "person__name")
    )


def volunteer_history(user, person_id: int) -> QuerySet[EventParticipant]:
    return (
        visible(
            EventParticipant.objects.select_related("event", "event__project", "event__primary"),
            user,
            Perm.PROJECTS_VIEW,
            "event__primary__path",
        )
        .filter(person_id=person_id)
        .order_by("-event__date")
    )


# --- the contest's shortlist -------------------------------------------------------------


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


def current_year_default(year: object) -> int:
    from django.utils import timezone

    try:
        value = int(year)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return value if 2000 <= value <= 2100 else timezone.localdate().year


def month_counts(events: QuerySet[Event], year: int) -> list[int]:
    """Held events per month of the year, for the chart."""
    counts = [0] * 12
    for day in events.filter(status=EventStatus.HELD, date__year=year).values_list(
        "date", flat=True
    ):
        counts[day.month - 1] += 1
    return counts


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
