"""The programme for staff: the list with totals and export, a promise with its evidence
and the form that records the next step, links to appeals, projects and events."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.appeals.selectors import appeals_visible
from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.projects.selectors import events_visible, projects_active
from pervichka.promises import selectors, services
from pervichka.promises.enums import PromiseStatus, Theme
from pervichka.promises.forms import PromiseForm, ReportForm


def filters_from(request: HttpRequest) -> selectors.Filters:
    g = request.GET
    return selectors.Filters(
        status=g.get("status", "") if g.get("status", "") in PromiseStatus.values else "",
        theme=g.get("theme", "") if g.get("theme", "") in Theme.values else "",
        settlement_id=int(g["settlement"]) if g.get("settlement", "").isdigit() else None,
        district_id=int(g["district"]) if g.get("district", "").isdigit() else None,
        q=g.get("q", "")[:100],
    )


@login_required
@replica_reads
def programme(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.PROMISES_VIEW):
        raise Http404
    f = filters_from(request)
    scoped = selectors.promises_visible(request.user)
    queryset = selectors.apply_filters(scoped, f)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "promises.xlsx",
            _("Promises"),
            [
                _("No."),
                _("Promise"),
                _("Theme"),
                _("Settlement"),
                _("Responsible"),
                _("Due"),
                _("Status"),
                _("Since"),
            ],
            (
                [
                    p.number,
                    p.text,
                    p.get_theme_display(),
                    str(p.settlement or _("the whole district")),
                    str(p.responsible_deputy or p.responsible_body),
                    p.due_date,
                    p.get_status_display(),
                    p.status_since,
                ]
                for p in queryset
            ),
        )
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "promises/programme.html",
        {
            "page": page,
            "filters": f,
            "totals": selectors.totals(scoped),
            "statuses": PromiseStatus.choices,
            "themes": Theme.choices,
            "can_manage": has_perm_anywhere(request.user, Perm.PROMISES_MANAGE),
        },
    )


@login_required
def promise_new(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.PROMISES_MANAGE):
        raise Http404
    form = PromiseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            promise = services.promise_create(
                actor=request.user,
                district=form.cleaned_data["district"],
                data=form.promise_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The promise is added to the programme."))
            return redirect("promises:detail", pk=promise.pk)
    return render(request, "promises/form.html", {"form": form})


@login_required
def promise(request: HttpRequest, pk: int) -> HttpResponse:
    promise = selectors.promise_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.PROMISES_MANAGE, promise.district.path)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"status": promise.status}
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.promise_report(
                    actor=request.user,
                    promise=promise,
                    status=d["status"],
                    date=d["date"],
                    text=d["text"],
                    reason=d["reason"],
                    link=d["link"],
                    upload=d["file"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The update is recorded and shown on the tracker."))
                return redirect("promises:detail", pk=promise.pk)
    return render(
        request,
        "promises/detail.html",
        {
            "promise": promise,
            "updates": promise.updates.all(),
            "form": form,
            "can_manage": can_manage,
            "appeals": promise.appeals.all()
            if has_perm_at(request.user, Perm.APPEALS_VIEW, promise.district.path)
            else None,
            "events": promise.events.select_related("project", "primary"),
            # A chair reads the district's promise, but not its deputy or other primaries'
            # events: those are named without a link that would lead to "not found".
            "openable_events": _openable_events(request.user, promise),
            "can_open_deputy": promise.responsible_deputy is not None
            and has_perm_at(request.user, Perm.ORGS_VIEW, promise.responsible_deputy.unit.path),
            "projects": promise.projects.all(),
        },
    )


def _openable_events(user, promise) -> set[int]:
    return set(events_visible(user).filter(promises=promise).values_list("pk", flat=True))


@login_required
def promise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    promise = selectors.promise_get(request.user, pk, perm=Perm.PROMISES_MANAGE)
    initial = {
        name: getattr(promise, name)
        for name in (
            "number", "programme", "text", "text_kk", "text_en", "theme", "settlement",
            "responsible_deputy", "responsible_body", "due_date", "is_public",
        )
    }  # fmt: skip
    form = PromiseForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.promise_edit(actor=request.user, promise=promise, data=form.promise_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The promise is saved."))
            return redirect("promises:detail", pk=promise.pk)
    return render(request, "promises/form.html", {"form": form, "promise": promise})


@login_required
@require_POST
def promise_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Relate an appeal (by its number), an event or a project to the promise, or undo it."""
    promise = selectors.promise_get(request.user, pk, perm=Perm.PROMISES_MANAGE)
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "").strip()
    remove = request.POST.get("remove") == "1"
    try:
        if kind == "appeal":
            target = appeals_visible(request.user).filter(number=value.upper()).first()
            if target is None:
                raise ValidationError(_("No appeal with this number is in your scope."))
            call = {"appeal": target}
        elif kind == "event":
            target = events_visible(request.user).filter(pk=value if value.isdigit() else 0).first()
            if target is None:
                raise ValidationError(_("No such event is in your scope."))
            call = {"event": target}
        elif kind == "project":
            call = {"project": get_or_404(projects_active(), code=value)}
        else:
            raise Http404
        (services.promise_unlink if remove else services.promise_link)(
            actor=request.user, promise=promise, **call
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("promises:detail", pk=promise.pk)


@login_required
def evidence_file(request: HttpRequest, pk: int, update: int) -> FileResponse:
    promise = selectors.promise_get(request.user, pk)
    item = get_or_404(promise.updates.exclude(file=""), pk=update)
    return FileResponse(item.file.open("rb"), filename=item.file.name.rsplit("/", 1)[-1])
