"""The pages of the org tree: units with their member counts and positions held by persons.

They live in `people` because they show persons in units; `orgs` (below people) knows
nothing of persons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.forms import apply_validation_error
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.tree import ancestor_paths
from pervichka.orgs import selectors, services
from pervichka.people.org_forms import PositionEndForm, PositionForm
from pervichka.people.selectors import member_counts_by_unit


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The user's part of the tree, each unit with its active members (subtree totals)."""
    units = list(selectors.org_units_visible(request.user).select_related("settlement"))
    counts = member_counts_by_unit(request.user)
    totals: dict[str, int] = {}
    for unit in units:
        n = counts.get(unit.pk, 0)
        if n:
            for path in ancestor_paths(unit.path, include_self=True):
                totals[path] = totals.get(path, 0) + n
    min_depth = min((u.depth for u in units), default=1)
    rows = [
        {"unit": u, "members": totals.get(u.path, 0), "indent": u.depth - min_depth} for u in units
    ]
    return render(request, "orgs/tree.html", {"rows": rows})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.org_unit_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.ORGS_MANAGE, unit.path)
    form = PositionForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST":
        if not can_manage:
            return redirect("orgs:detail", pk=pk)
        if form.is_valid():
            try:
                services.position_assign(
                    actor=request.user,
                    org_unit=unit,
                    person=form.cleaned_data["person"],
                    kind=form.cleaned_data["kind"],
                    start=form.cleaned_data["start"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The position has been recorded."))
                return redirect("orgs:detail", pk=pk)
    children = selectors.org_units_visible(request.user).filter(
        path__startswith=unit.path, depth=unit.depth + 1
    )
    context = {
        "unit": unit,
        "ancestors": selectors.org_units_visible(request.user).filter(
            path__in=ancestor_paths(unit.path)
        ),
        "children": children,
        "positions": selectors.positions_of(unit),
        "settlements": unit.settlements.all() if unit.kind == "district" else [],
        "can_manage": can_manage,
        "form": form,
        "end_form": PositionEndForm(),
    }
    return render(request, "orgs/unit_detail.html", context)


@login_required
@require_POST
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = selectors.position_get(request.user, pk, perm=Perm.ORGS_MANAGE)
    form = PositionEndForm(request.POST)
    if form.is_valid():
        try:
            services.position_end(
                actor=request.user, position=position, end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The term has been ended."))
    else:
        messages.error(request, _("Enter the date the term ended."))
    return redirect("orgs:detail", pk=position.org_unit_id)
