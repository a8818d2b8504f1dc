"""What citizens see, without logging in: the appeal form, the tracking page, the calendar of
field receptions. No personal data is shown on any of them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.appeals import selectors, services, throttle
from pervichka.appeals.enums import Channel
from pervichka.appeals.forms import (
    CitizenRateForm,
    CitizenReopenForm,
    PublicAppealForm,
    TrackForm,
)
from pervichka.core.forms import apply_validation_error
from pervichka.core.ratelimit import client_ip, hit

PUBLIC_MAX_FILES = 3
PUBLIC_FILE_TYPES = (".jpg", ".jpeg", ".png", ".pdf")


def _rate_limited(request: HttpRequest, scope: str) -> bool:
    return not hit(
        scope,
        client_ip(request),
        limit=settings.PERVICHKA_PUBLIC_RATE_PER_HOUR,
        window_seconds=3600,
    )


def submit(request: HttpRequest) -> HttpResponse:
    """The public appeal form. A hidden key makes a double click or a retry one appeal."""
    if request.method == "POST":
        form = PublicAppealForm(request.POST, request.FILES)
        key = request.POST.get("idempotency_key", "")
        existing = selectors.Appeal.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return redirect("public:track_code", code=existing.tracking_code)
        if form.is_bot():
            # Say nothing a bot could learn from; store nothing.
            return render(request, "appeals/public/received.html", status=200)
        if not throttle.attempt_allowed(request):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
            return render(request, "appeals/public/submit.html", {"form": form}, status=429)
        if form.is_valid():
            files = form.cleaned_data["photos"]
            try:
                if len(files) > PUBLIC_MAX_FILES or any(
                    not (f.name or "").lower().endswith(PUBLIC_FILE_TYPES) for f in files
                ):
                    raise ValidationError({"photos": _("Up to 3 files: JPG, PNG or PDF.")})
                for upload in files:
                    services.validate_upload(upload)
                with transaction.atomic():
                    appeal, created = _submit(form)
                    # Counted only once it passed every check; over the limit nothing stays.
                    if created and not throttle.submission_allowed(request):
                        raise throttle.Throttled
                if created and files:
                    services.attachments_add(actor=None, appeal=appeal, uploads=files)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except throttle.Throttled:
                form.add_error(None, throttle.too_many_appeals())
                return render(request, "appeals/public/submit.html", {"form": form}, status=429)
            else:
                return redirect("public:track_code", code=appeal.tracking_code)
    else:
        form = PublicAppealForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "appeals/public/submit.html", {"form": form})


def _submit(form: PublicAppealForm):
    data = form.cleaned_data
    settlement = data["settlement"]
    district = settlement.district
    category = services.category_for_public(district=district, code=data["category"])
    intake = services.Intake(
        channel=Channel.WEB,
        category=category,
        text=data["text"],
        settlement=settlement,
        contact_phone=data["phone"],
        contact_email=data.get("email", ""),
        language=(get_language() or "ru")[:2],
    )
    return services.appeal_submit_public(
        district=district,
        data=form.person_data("electronic"),
        intake=intake,
        idempotency_key=data["idempotency_key"],
    )


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = services.normalize_tracking_code(form.cleaned_data["code"])
        if _rate_limited(request, "appeal-track"):
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
        elif selectors.appeal_by_code(code) is not None:
            return redirect("public:track_code", code=code)
        else:
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
    if _rate_limited(request, "appeal-reopen"):
        messages.error(request, _("Too many attempts. Please try again in an hour."))
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
            "offices": selectors.ReceptionOffice.objects.filter(is_active=True).select_related(
                "settlement"
            ),
        },
    )
