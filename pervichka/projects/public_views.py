"""The projects on the public portal: what the party's projects did, with what the apps
working under a project add (the ТазаLike map, through `projects.parts`). The contest's
pages are the ideas app's. No personal data is shown."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pervichka.projects import parts, selectors
from pervichka.projects.enums import ProjectKind


def projects_home(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    cards = [
        (project, selectors.public_figure(project, year)) for project in selectors.projects_active()
    ]
    return render(request, "projects/public/home.html", {"cards": cards, "year": year})


def project_public(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(code)
    if not project.is_active:
        raise Http404
    if project.kind == ProjectKind.CONTEST:
        return redirect("public:ideas")
    year = timezone.localdate().year
    events = selectors.events_held_public(project)
    context = {
        "project": project,
        "year": year,
        "events": events[:20],
        "events_this_year": events.filter(date__year=year).count(),
    }
    part = parts.part_for(project.kind)
    if part is not None and part.public_page is not None:
        context["part_section"] = part.public_page.template
        context.update(part.public_page.context(project=project, year=year))
    return render(request, "projects/public/project.html", context)
