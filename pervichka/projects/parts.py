"""What the apps that work under one kind of project add to the projects' own pages.

Greening (the plantings of ТазаLike) and ideas (the contest) sit beside projects on the
capability floor and import it, never the other way round. Each registers here, when Django
loads it, the indicators it computes for a project's progress, the figure the portal shows
for the project, and the sections it adds to the project's pages; the projects pages ask
this registry, so the catalog shows trees planted without importing greening.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pervichka.core.kpis import Period


@dataclass(frozen=True)
class Section:
    """A template included into a page with the context its function returns."""

    template: str
    context: Callable[..., dict]


@dataclass(frozen=True)
class Part:
    kind: str  # the ProjectKind the app works under
    kpis: tuple[str, ...]  # the indicators it computes, listed before the events' ones
    # The contest has no events: its projects show only the app's own indicators.
    with_event_kpis: bool
    # (project, user, unit or None for the user's scope, period) -> {kpi: value}
    actuals: Callable[..., dict[str, float]]
    # (project, year) -> the number the portal's card of the project shows
    public_figure: Callable[..., int]
    project_page: Section | None = None  # context(user=, project=, unit=, year=)
    public_page: Section | None = None  # context(project=, year=)
    event_page: Section | None = None  # context(user=, event=); shown for every event


_PARTS: dict[str, Part] = {}


def register(part: Part) -> None:
    _PARTS[part.kind] = part


def part_for(kind: str) -> Part | None:
    return _PARTS.get(kind)


def event_sections() -> list[Section]:
    return [part.event_page for part in _PARTS.values() if part.event_page is not None]


def actuals_of(project, user, unit, period: Period) -> dict[str, float]:
    part = _PARTS.get(project.kind)
    return part.actuals(project, user, unit, period) if part else {}
