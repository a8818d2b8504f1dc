"""Reads of ТазаLike, already limited to what the acting user may see: every read of a
primary's plantings starts from `Planting.objects.visible_to(user, perm)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum

from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.greening.models import Planting, SurvivalCheck
from pervichka.orgs.models import OrgUnit
from pervichka.projects import selectors as projects_selectors
from pervichka.projects.enums import TAZALIKE, ProjectKind, ProjectKpi
from pervichka.projects.models import Event, Project


def greening_project() -> Project:
    """The catalog's greening project (ТазаLike) while it is active; 404 otherwise."""
    return get_or_404(
        projects_selectors.projects_active(), kind=ProjectKind.GREENING, code=TAZALIKE
    )


def plantings_visible(user, *, perm: Perm = Perm.PROJECTS_VIEW) -> QuerySet[Planting]:
    return with_survival(
        Planting.objects.visible_to(user, perm).select_related("primary", "settlement", "project")
    )


def planting_get(user, pk: object, *, perm: Perm = Perm.PROJECTS_VIEW) -> Planting:
    return get_or_404(plantings_visible(user, perm=perm), pk=pk)


def checks_of(planting: Planting) -> QuerySet[SurvivalCheck]:
    """The checks of a planting the caller has already read (through `planting_get`)."""
    return planting.checks.all()


def plantings_at(event: Event) -> QuerySet[Planting]:
    """The plantings made at an event the caller has already read (through `event_get`)."""
    return with_survival(Planting.objects.filter(event=event).select_related("settlement"))


def plantings_public(project: Project, year: int) -> QuerySet[Planting]:
    """What the portal shows: where and how much was planted (no people)."""
    return with_survival(
        Planting.objects.filter(project=project, planted_on__year=year).select_related(
            "settlement", "primary"
        )
    )


def event_choices(user, project: Project) -> QuerySet[Event]:
    """The events a planting can be recorded at: the project's, where the user manages."""
    return projects_selectors.events_visible(user, perm=Perm.PROJECTS_MANAGE).filter(
        project=project
    )


def with_survival(queryset: QuerySet[Planting]) -> QuerySet[Planting]:
    """Each planting with `alive` and `checked_on` of its latest check (None when unchecked)."""
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


def map_context() -> dict:
    return {
        "map_tiles": settings.PERVICHKA_MAP_TILES,
        "map_attribution": settings.PERVICHKA_MAP_ATTRIBUTION,
    }


def survival_totals(plantings: QuerySet[Planting]) -> tuple[int, int]:
    """(planted, alive) over the plantings that were checked at least once."""
    planted = alive = 0
    for count, alive_now in plantings.filter(alive__isnull=False).values_list("count", "alive"):
        planted += count
        alive += alive_now
    return planted, alive


def kpi_actuals(project: Project, user, unit: OrgUnit | None, period: Period) -> dict[str, float]:
    """Trees planted and their survival over the plantings the user sees (under `unit`)."""
    plantings = projects_selectors.under(
        Planting.objects.visible_to(user, Perm.PROJECTS_VIEW), unit
    ).filter(project=project, planted_on__gte=period.start, planted_on__lte=period.end)
    planted, alive = survival_totals(with_survival(plantings))
    return {
        ProjectKpi.TREES_PLANTED: float(plantings.aggregate(s=Sum("count"))["s"] or 0),
        ProjectKpi.TREE_SURVIVAL_RATE: round(100 * alive / planted, 1) if planted else 0,
    }


def planted_in(project: Project, year: int) -> int:
    """Trees and shrubs planted under the project in the year, everywhere (the portal)."""
    return (
        Planting.objects.filter(project=project, planted_on__year=year).aggregate(n=Sum("count"))[
            "n"
        ]
        or 0
    )


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
    targets = projects_selectors.primary_targets(
        project, year, ProjectKpi.TREES_PLANTED, by_primary
    )
    for unit_id, row in by_primary.items():
        if unit_id in targets:
            row.target = float(targets[unit_id])
    order = lambda row: (-row.planted, row.name)  # noqa: E731
    return sorted(by_settlement.values(), key=order), sorted(by_primary.values(), key=order)
