"""What the contest adds to the projects' pages: the ideas submitted as the contest
project's indicator (it holds no events) and on the portal's card of the project."""

from __future__ import annotations

from pervichka.ideas import selectors
from pervichka.projects import parts
from pervichka.projects.enums import ProjectKind, ProjectKpi

parts.register(
    parts.Part(
        kind=ProjectKind.CONTEST,
        kpis=(ProjectKpi.IDEAS_SUBMITTED,),
        with_event_kpis=False,
        actuals=selectors.kpi_actuals,
        public_figure=selectors.ideas_submitted_in,
    )
)
