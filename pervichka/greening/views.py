"""ТазаLike pages for staff: the plantings on a map with their export, recording a planting,
and a planting with its survival checks. Thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, has_perm_at
from pervichka.greening import selectors, services
from pervichka.greening.forms import PlantingForm, SurvivalCheckForm
from pervichka.orgs.selectors import primaries_for
from pervichka.projects.selectors import current_year_default

SPECIES = ["берёза", "вяз", "тополь", "клён", "сосна", "ель", "ива", "сирень", "акация", "яблоня"]


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


@login_required
@replica_reads
def plantings(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    project = selectors.greening_project()
    year = current_year_default(request.GET.get("year"))
    queryset = selectors.plantings_visible(request.user).filter(
        project=project, planted_on__year=year
    )
    primary = request.GET.get("primary", "")
    if primary.isdigit():
        queryset = queryset.filter(primary_id=int(primary))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"plantings-{year}.xlsx",
            _("Plantings"),
            [
                _("Planted on"),
                _("Primary organization"),
                _("Settlement"),
                _("Kind of site"),
                _("Species"),
                _("Number planted"),
                _("Alive at the latest check"),
                _("Checked on"),
                _("Latitude"),
                _("Longitude"),
                _("Who planted"),
            ],
            (
                [
                    p.planted_on,
                    str(p.primary),
                    str(p.settlement),
                    p.get_site_kind_display(),
                    p.species,
                    p.count,
                    p.alive,
                    p.last_checked_on,
                    float(p.latitude) if p.latitude is not None else None,
                    float(p.longitude) if p.longitude is not None else None,
                    p.planted_by,
                ]
                for p in queryset.iterator()
            ),
        )
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "greening/plantings.html",
        {
            "project": project,
            "page": page,
            "year": year,
            "primary": primary,
            "primaries": primaries_for(request.user, perm=Perm.PROJECTS_VIEW),
            "points": selectors.map_points(queryset[:5000]),
            "can_manage": has_perm_anywhere(request.user, Perm.PROJECTS_MANAGE),
            **selectors.map_context(),
        },
    )


@login_required
def planting_new(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_MANAGE)
    project = selectors.greening_project()
    form = PlantingForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            planting = services.planting_create(
                actor=request.user,
                project=project,
                primary=form.cleaned_data["primary"],
                data=form.planting_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The planting is recorded."))
            return redirect("greening:planting", pk=planting.pk)
    return render(request, "greening/planting_new.html", {"form": form, "species": SPECIES})


@login_required
def planting(request: HttpRequest, pk: int) -> HttpResponse:
    planting = selectors.planting_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.PROJECTS_MANAGE, planting.primary.path)
    form = SurvivalCheckForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.survival_check_add(
                    actor=request.user,
                    planting=planting,
                    checked_on=form.cleaned_data["checked_on"],
                    alive=form.cleaned_data["alive"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The check is recorded."))
                return redirect("greening:planting", pk=planting.pk)
    rate = services.survival_rate(planting.count, planting.alive)
    return render(
        request,
        "greening/planting.html",
        {
            "planting": planting,
            "checks": selectors.checks_of(planting),
            "rate": None if rate is None else round(rate * 100),
            "points": selectors.map_points([planting]),
            "form": form,
            "can_manage": can_manage,
            **selectors.map_context(),
        },
    )
