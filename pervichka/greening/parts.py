"""What ТазаLike adds to the projects' pages: trees planted and their survival among a
greening project's indicators, the trees planted on the portal's card, the map and totals
on the project's pages, and the plantings made at an event on the event's page."""

from __future__ import annotations

from pervichka.greening import selectors
from pervichka.projects import parts
from pervichka.projects import selectors as projects_selectors
from pervichka.projects.enums import ProjectKind, ProjectKpi


def _project_page(*, user, project, unit, year: int) -> dict:
    plantings = projects_selectors.under(selectors.plantings_visible(user), unit).filter(
        project=project, planted_on__year=year
    )
    by_settlement, by_primary = selectors.planting_totals(plantings, project, year)
    return {
        "points": selectors.map_points(plantings[:5000]),
        "by_settlement": by_settlement,
        "by_primary": by_primary,
        **selectors.map_context(),
    }


def _public_page(*, project, year: int) -> dict:
    plantings = selectors.plantings_public(project, year)
    by_settlement, _by_primary = selectors.planting_totals(plantings, project, year)
    return {
        "points": selectors.map_points(plantings[:5000]),
        "by_settlement": by_settlement[:30],
        "planted": sum(r.planted for r in by_settlement),
        **selectors.map_context(),
    }


def _event_page(*, user, event) -> dict:
    return {"plantings": selectors.plantings_at(event)}


parts.register(
    parts.Part(
        kind=ProjectKind.GREENING,
        kpis=(ProjectKpi.TREES_PLANTED, ProjectKpi.TREE_SURVIVAL_RATE),
        with_event_kpis=True,
        actuals=selectors.kpi_actuals,
        public_figure=selectors.planted_in,
        project_page=parts.Section("greening/_project_plantings.html", _project_page),
        public_page=parts.Section("greening/public/_project_plantings.html", _public_page),
        event_page=parts.Section("greening/_event_plantings.html", _event_page),
    )
)
