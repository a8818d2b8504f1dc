"""What citizens see, without logging in: the appeal form, the tracking page, the calendar of
field receptions. No personal data is shown on any of them."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.appeals import selectors, services, throttle
from pervichka.appeals.forms import (
    CitizenRateForm,
    CitizenReopenForm,
    PublicAppealForm,
    TrackForm,
)
from pervichka.core.forms import apply_validation_error
from pervichka.core.idempotency import IdempotencyConflict
from pervichka.core.ratelimit import client_ip


def submit(request: HttpRequest) -> HttpResponse:
    """The public appeal form. A hidden key makes a double click or a retry one appeal;
    every check is the service's, the same as the public API's."""
    if request.method == "POST":
        form = PublicAppealForm(request.POST, request.FILES)
        data = form.public_appeal()
        try:
            submission = services.appeal_submit_public(
                data=data,
                files=form.cleaned_data["photos"] if data is not None else [],
                client_ip=client_ip(request),
                idempotency_key=request.POST.get("idempotency_key", ""),
                honeypot=request.POST.get("website", ""),
                language=(get_language() or "ru")[:2],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except IdempotencyConflict as exc:
            return _conflict(request, form, exc)
        except throttle.Throttled as exc:
            form.add_error(None, exc.message)
            return render(request, "appeals/public/submit.html", {"form": form}, status=429)
        else:
            if submission.bot:
                # Say nothing a bot could learn from; nothing was stored.
                return render(request, "appeals/public/received.html", status=200)
            if submission.appeal is not None:
                # The confirmation: the tracking page, which then says to keep the number and
                # the code and offers the slip to print.
                response = redirect("public:track_code", code=submission.appeal.tracking_code)
                response["Location"] += "?sent=1"
                return response
        # A browser never sends a file back with a form it shows again: say so plainly,
        # rather than let the citizen believe the photo went with the appeal.
        files_dropped = sum(1 for f in request.FILES.getlist("photos") if f)
        return render(
            request,
            "appeals/public/submit.html",
            {"form": form, "files_dropped": files_dropped, "branches": selectors.branches_public()},
        )
    else:
        form = PublicAppealForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(
        request,
        "appeals/public/submit.html",
        {"form": form, "branches": selectors.branches_public()},
    )


def _conflict(request: HttpRequest, form, exc: IdempotencyConflict) -> HttpResponse:
    """The form's key was used for another appeal: say so and hand out a new key, so that
    sending again makes this appeal (the first one is never shown)."""
    data = form.data.copy()
    data["idempotency_key"] = uuid.uuid4().hex
    form.data = data
    form.add_error(None, exc.message)
    return render(request, "appeals/public/submit.html", {"form": form}, status=409)


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            appeal = services.appeal_track(
                code=form.cleaned_data["code"], client_ip=client_ip(request)
            )
        except throttle.Throttled as exc:
            form.add_error(None, exc.message)
        else:
            if appeal is not None:
                return redirect("public:track_code", code=appeal.tracking_code)
            form.add_error("code", _("No appeal has this code. Check the code on your coupon."))
    return render(request, "appeals/public/track.html", {"form": form})


def track_code(request: HttpRequest, code: str) -> HttpResponse:
    appeal = selectors.appeal_by_code(services.normalize_tracking_code(code))
    if appeal is None:
        raise Http404
    events = [e for e in appeal.events.all() if e.action != "satisfaction"]
    return render(
        request,
        "appeals/public/track_code.html",
        {
            "appeal": appeal,
            "events": events,
            "rate_form": CitizenRateForm(),
            "reopen_form": CitizenReopenForm(),
            "just_sent": request.GET.get("sent") == "1",
        },
    )


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    appeal = selectors.appeal_by_code(services.normalize_tracking_code(code))
    if appeal is None:
        raise Http404
    form = CitizenRateForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_rate_by_citizen(
                appeal=appeal, satisfaction=form.cleaned_data["satisfaction"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for your answer."))
    return redirect("public:track_code", code=appeal.tracking_code)


@require_POST
def track_reopen(request: HttpRequest, code: str) -> HttpResponse:
    appeal = selectors.appeal_by_code(services.normalize_tracking_code(code))
    if appeal is None:
        raise Http404
    form = CitizenReopenForm(request.POST)
    if not throttle.lookup_allowed("appeal-reopen", client_ip(request)):
        messages.error(request, throttle.too_many_attempts())
    elif form.is_valid():
        try:
            services.appeal_reopen_by_citizen(appeal=appeal, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your appeal is open again; we will answer."))
    else:
        messages.error(request, _("Say what is still not solved."))
    return redirect("public:track_code", code=appeal.tracking_code)


def coupon(request: HttpRequest, code: str) -> HttpResponse:
    appeal = selectors.appeal_by_code(services.normalize_tracking_code(code))
    if appeal is None:
        raise Http404
    return render(request, "appeals/coupon.html", {"appeal": appeal, "staff": False})


def receptions_calendar(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appeals/public/receptions.html",
        {
            "receptions": selectors.field_receptions_upcoming_public(days=120),
            "offices": selectors.offices_public(),
        },
    )
