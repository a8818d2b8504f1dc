"""The public promise tracker: what was promised, at which stage it is, and the evidence."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pervichka.core.paginator import CappedPaginator
from pervichka.core.scoping import get_or_404
from pervichka.promises import selectors
from pervichka.promises.enums import PromiseStatus, Theme
from pervichka.promises.views import filters_from


def tracker(request: HttpRequest) -> HttpResponse:
    f = filters_from(request)
    base = selectors.promises_public()
    if f.district_id:
        base = base.filter(district_id=f.district_id)
    queryset = selectors.apply_filters(base, f)
    page = CappedPaginator(queryset, 20).get_page(request.GET.get("page") or 1)
    districts = selectors.districts_public()
    settlements = selectors.settlements_public(districts)
    if f.district_id:
        settlements = settlements.filter(district_id=f.district_id)
    return render(
        request,
        "promises/public/tracker.html",
        {
            "page": page,
            "filters": f,
            "totals": selectors.totals(
                selectors.apply_filters(
                    base, selectors.Filters(theme=f.theme, settlement_id=f.settlement_id, q=f.q)
                )
            ),
            "statuses": PromiseStatus.choices,
            "themes": Theme.choices,
            "districts": districts,
            "settlements": settlements,
        },
    )


def promise_public(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(selectors.promises_public(), pk=pk)
    return render(
        request,
        "promises/public/promise.html",
        {
            "promise": promise,
            "updates": promise.updates.all(),
            "events": promise.events.filter(status="held").select_related("project"),
            "projects": promise.projects.all(),
            "share_url": request.build_absolute_uri(),
        },
    )


def evidence_public(request: HttpRequest, pk: int, update: int) -> FileResponse:
    promise = get_or_404(selectors.promises_public(), pk=pk)
    item = promise.updates.exclude(file="").filter(pk=update).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), filename=item.file.name.rsplit("/", 1)[-1])
