"""The rating's pages: the ratings in scope, a district's league table (bands, intervals,
peer groups, funnel plot, XLSX), a primary's breakdown as its chair sees it, objections and
the commission's decisions, the methodology. They read stored results; computing is a task."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.selectors import org_units_visible
from pervichka.rating import selectors, services
from pervichka.rating.enums import (
    BANDS,
    DECISIONS,
    MethodologyStatus,
    ObjectionStatus,
    PeriodKind,
    RunStatus,
)
from pervichka.rating.tasks import task_rating_execute


def _decimal(text: str) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(_("Enter a number.")) from exc
    if not value.is_finite() or abs(value) > Decimal("1e9"):
        raise ValidationError(_("Enter a number."))
    return value


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.RATING_VIEW):
        raise Http404
    own = selectors.own_scores(request.user)
    # A chair's own primary: the latest score first (administrators see the league tables).
    mine = own.first() if not has_perm_anywhere(request.user, Perm.RATING_MANAGE) else None
    districts = org_units_visible(request.user, perm=Perm.RATING_MANAGE).filter(
        kind=OrgKind.DISTRICT
    )
    return render(
        request,
        "rating/home.html",
        {
            "runs": selectors.latest_runs(request.user),
            "mine": mine,
            "methodologies": selectors.methodologies_readable(request.user)[:50],
            "districts": districts[:500],
            "kinds": PeriodKind.choices,
        },
    )


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    """Start a new version; the task computes it while the run page shows the progress."""
    district = get_or_404(
        org_units_visible(request.user, perm=Perm.RATING_MANAGE).filter(kind=OrgKind.DISTRICT),
        pk=request.POST.get("district", "0") if request.POST.get("district", "").isdigit() else 0,
    )
    try:
        start = dt.date.fromisoformat(request.POST.get("start", ""))
        period = services.period_ensure(kind=request.POST.get("kind", ""), start=start)
        run = services.rating_start(actor=request.user, district=district, period=period)
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Enter a valid date.")])))
        return redirect("rating:home")
    transaction.on_commit(lambda: task_rating_execute.delay(run_id=run.pk))
    return redirect("rating:run", pk=run.pk)


@login_required
@replica_reads
def run(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    if request.htmx:  # the progress display asks while the task computes
        if run.status == RunStatus.COMPUTING:
            return render(request, "rating/run.html#progress", {"run": run})
        return HttpResponse(headers={"HX-Refresh": "true"})
    g = request.GET
    peer = g.get("peer", "")[:20]
    band = g.get("band", "") if g.get("band", "") in BANDS else ""
    scores = selectors.league(run, peer_group=peer, band=band)
    totals = selectors.can_see_totals(request.user, run)
    if g.get("format") == "xlsx":
        return xlsx_response(
            f"rating-{run.pk}-v{run.version}.xlsx",
            _("Rating"),
            [_("Primary"), _("Peer group"), _("Members"), _("Band"), _("Place")]
            + [_("Rank from"), _("Rank to"), _("Median rank")]
            + ([_("Total")] if totals else [])
            + [_("No rating")],
            (
                [
                    s.primary.display_name,
                    s.peer_group.display_name if s.peer_group else "",
                    s.members,
                    s.band,
                    s.place,
                    s.rank_low,
                    s.rank_high,
                    s.median_rank,
                ]
                + ([s.total] if totals else [])
                + [s.no_rating_reason]
                for s in scores
            ),
        )
    indicator = g.get("indicator", "")
    funnel = selectors.funnel(run, int(indicator) if indicator.isdigit() else None)
    own = selectors.own_score_ids(request.user, run)
    return render(
        request,
        "rating/run.html",
        {
            "run": run,
            "scores": scores,
            "own": own,
            "totals": totals,
            "filters": {"peer": peer, "band": band},
            "bands": BANDS,
            "peer_groups": run.methodology.peer_groups.all(),
            "funnel": funnel,
            "versions": selectors.runs_readable(request.user).filter(
                district=run.district, period=run.period
            ),
            "events": run.events.select_related("actor").all()
            if totals
            else run.events.filter(kind__in=["computed", "final"]),
            "objections": selectors.objections_of(request.user, run),
            "can_manage": has_perm_at(request.user, Perm.RATING_MANAGE, run.district.path),
        },
    )


@login_required
@require_POST
def run_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    if not has_perm_at(request.user, Perm.RATING_MANAGE, run.district.path):
        raise Http404
    try:
        if action == "recompute":
            run = services.rating_recompute(actor=request.user, run=run)
            messages.success(request, _("A new version is computed."))
        elif action == "final":
            services.rating_finalize(actor=request.user, run=run)
            messages.success(request, _("The rating is published as final."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("rating:run", pk=run.pk)


@login_required
@replica_reads
def score(request: HttpRequest, pk: int) -> HttpResponse:
    score = selectors.score_get(request.user, pk)
    blocks, tips = selectors.breakdown(score)
    weakest = selectors.weakest_dimension(blocks)
    previous = selectors.previous_score(score)
    latest = (
        selectors.runs_readable(request.user)
        .filter(district=score.run.district, period=score.run.period)
        .exclude(status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .first()
    )
    can_object = (
        has_perm_at(request.user, Perm.RATING_OBJECT, score.primary.path)
        and score.run.status == RunStatus.PROVISIONAL
        and latest is not None
        and latest.pk == score.run_id
        and score.run.objections_until is not None
        and timezone.localdate() <= score.run.objections_until
    )
    newer = (
        selectors.score_in(latest, score.primary)
        if latest is not None and latest.pk != score.run_id
        else None
    )
    return render(
        request,
        "rating/score.html",
        {
            "score": score,
            "blocks": blocks,
            "tips": tips,
            "weakest": weakest,
            "course": selectors.course_for(weakest),
            "audits": selectors.audits_of_score(score),
            "previous": previous,
            "change": (score.total - previous.total)
            if previous and previous.total is not None and score.total is not None
            else None,
            "trend": selectors.trend(score),
            "can_object": can_object,
            "newer": newer,
            "objections": score.objections.select_related("indicator").all(),
        },
    )


@login_required
@require_POST
def object_to(request: HttpRequest, pk: int) -> HttpResponse:
    score = selectors.score_get(request.user, pk)
    if not has_perm_at(request.user, Perm.RATING_OBJECT, score.primary.path):
        raise Http404
    indicator = selectors.indicator_of(score, request.POST.get("indicator", ""))
    try:
        objection = services.objection_raise(
            actor=request.user,
            score=score,
            indicator=indicator,
            text=request.POST.get("text", "")[:5000],
            claimed_value=_decimal(request.POST.get("claimed_value", "")),
            upload=request.FILES.get("file"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rating:score", pk=score.pk)
    messages.success(request, _("Your objection is sent to the district commission."))
    return redirect("rating:objection", pk=objection.pk)


@login_required
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(request.user, pk)
    can_decide = (
        has_perm_at(request.user, Perm.RATING_DECIDE, objection.score.run.district.path)
        and objection.status == ObjectionStatus.OPEN
        and objection.raised_by_id != request.user.pk
    )
    entered_disputed = can_decide and request.user.pk in services.disputed_data_entered_by(
        objection
    )
    can_decide = can_decide and not entered_disputed
    if request.method == "POST":
        if not can_decide:
            raise Http404
        try:
            services.objection_decide(
                actor=request.user,
                objection=objection,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", "")[:5000],
                accepted_value=_decimal(request.POST.get("accepted_value", "")),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The decision is recorded."))
        return redirect("rating:objection", pk=objection.pk)
    return render(
        request,
        "rating/objection.html",
        {
            "objection": objection,
            "can_decide": can_decide,
            "entered_disputed": entered_disputed,
            "decisions": [(d.value, d.label) for d in DECISIONS],
        },
    )


@login_required
def objection_file(request: HttpRequest, pk: int) -> FileResponse:
    objection = selectors.objection_get(request.user, pk)
    if not objection.file:
        raise Http404
    return FileResponse(objection.file.open("rb"), filename=objection.file.name.rsplit("/", 1)[-1])


@login_required
def methodology(request: HttpRequest, pk: int) -> HttpResponse:
    methodology = selectors.methodology_get(request.user, pk)
    dimensions = methodology.dimensions.prefetch_related("indicators__goalposts__peer_group")
    can_edit = (
        methodology.status == MethodologyStatus.DRAFT
        and methodology.unit is not None
        and has_perm_at(request.user, Perm.RATING_MANAGE, methodology.unit.path)
    )
    peer_groups = list(methodology.peer_groups.all())
    return render(
        request,
        "rating/methodology.html",
        {
            "methodology": methodology,
            "dimensions": dimensions,
            "peer_groups": peer_groups,
            "floors": methodology.quality_floors.select_related("indicator"),
            "adopters": _adopters(request.user),
            "can_edit": can_edit,
            "grid": selectors.goalpost_grid(methodology, timezone.localdate().year)
            if can_edit
            else [],
            "split": any(g.settlement for g in peer_groups),
        },
    )


def _adopters(user):
    return org_units_visible(user, perm=Perm.RATING_MANAGE).filter(
        kind__in=[OrgKind.DISTRICT, OrgKind.REGION]
    )[:500]


@login_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """A district or region starts a draft of this methodology, to edit and approve."""
    source = selectors.methodology_get(request.user, pk)
    unit = get_or_404(
        org_units_visible(request.user, perm=Perm.RATING_MANAGE).filter(
            kind__in=[OrgKind.DISTRICT, OrgKind.REGION]
        ),
        pk=request.POST.get("unit") if request.POST.get("unit", "").isdigit() else 0,
    )
    try:
        draft = services.methodology_draft(actor=request.user, unit=unit, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rating:methodology", pk=source.pk)
    messages.success(request, _("A draft is made: change it within the limits, then approve."))
    return redirect("rating:methodology", pk=draft.pk)


def _draft_for_edit(request: HttpRequest, pk: int):
    draft = selectors.methodology_get(request.user, pk)
    if draft.unit is None or not has_perm_at(request.user, Perm.RATING_MANAGE, draft.unit.path):
        raise Http404
    return draft


@login_required
@require_POST
def methodology_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft's weights, goalposts and the towns/villages split."""
    draft = _draft_for_edit(request, pk)
    try:
        weights = {}
        for dimension in draft.dimensions.all():
            value = _decimal(request.POST.get(f"weight_{dimension.code}", ""))
            if value is not None:
                weights[dimension.code] = value
        goalposts = {}
        for row in selectors.goalpost_grid(draft, timezone.localdate().year):
            low = _decimal(request.POST.get(f"low_{row.key}", ""))
            high = _decimal(request.POST.get(f"high_{row.key}", ""))
            if low is None or high is None or (low, high) == (row.low, row.high):
                continue
            goalposts[(row.indicator.kpi, row.group.code if row.group else None)] = (low, high)
        services.methodology_edit(
            actor=request.user,
            draft=draft,
            weights=weights,
            goalposts=goalposts,
            split_settlements=request.POST.get("split") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The draft is saved."))
    return redirect("rating:methodology", pk=draft.pk)


@login_required
@require_POST
def methodology_approve(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft_for_edit(request, pk)
    try:
        services.methodology_approve(
            actor=request.user, draft=draft, rationale=request.POST.get("rationale", "")[:5000]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The methodology is approved."))
    return redirect("rating:methodology", pk=draft.pk)


@login_required
@replica_reads
def rollup(request: HttpRequest) -> HttpResponse:
    """Bands per district for a period: the region's and the party's view."""
    if not has_perm_anywhere(request.user, Perm.RATING_VIEW):
        raise Http404
    wanted = request.GET.get("period", "")
    periods, period, rows, dimensions = selectors.rollup(
        request.user, int(wanted) if wanted.isdigit() else None
    )
    return render(
        request,
        "rating/rollup.html",
        {
            "periods": periods,
            "period": period,
            "rows": rows,
            "bands": BANDS,
            "dimensions": dimensions,
        },
    )


@login_required
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The district's audit sample of the run's period: each drawn record, confirmed or
    failed with what the auditor found. A failure counts from the next version on."""
    run = selectors.run_get(request.user, pk)
    if not has_perm_at(request.user, Perm.RATING_MANAGE, run.district.path):
        raise Http404
    items = list(selectors.audit_items(request.user, run))
    for item in items:
        try:
            item.link = reverse(item.url_name, args=[item.record_pk]) if item.url_name else ""
        except NoReverseMatch:  # the app moved its page: the label still names the record
            item.link = ""
    return render(
        request,
        "rating/audit.html",
        {"run": run, "items": items, "share": run.methodology.audit_share * 100},
    )


@login_required
@require_POST
def audit_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.audit_item_get(request.user, pk)
    run = (
        selectors.runs_readable(request.user)
        .filter(district=item.district, period=item.period)
        .first()
    )
    try:
        services.audit_decide(
            actor=request.user,
            item=item,
            passed=request.POST.get("result") == "passed",
            note=request.POST.get("note", "")[:2000],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The audit is recorded."))
    if run is None:
        raise Http404
    return redirect("rating:audit", pk=run.pk)
