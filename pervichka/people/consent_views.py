"""The consent register on the member card: record a consent brought on paper (or by SMS
code, through Telegram), withdraw one, open its scanned document. Thin views over
people.services and people.selectors; a consent or person outside scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.roles import Perm
from pervichka.people import selectors, services
from pervichka.people.consent_forms import ConsentForm, WithdrawForm


def _back(request: HttpRequest, person) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    membership = selectors.person_memberships(request.user, person).first()
    if membership is not None:
        return redirect("people:detail", pk=membership.pk)
    return redirect("people:list")


@login_required
@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk, perm=Perm.PEOPLE_MANAGE)
    form = ConsentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                person=person,
                purpose=form.cleaned_data["purpose"],
                channel=form.cleaned_data["channel"],
                document=form.cleaned_data.get("document"),
                document_ref=form.cleaned_data.get("document_ref") or "",
                representative=form.cleaned_data.get("representative") or "",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The consent has been recorded."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return _back(request, person)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_get(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(
                actor=request.user, consent=consent, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The withdrawal of the consent has been recorded."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return _back(request, consent.person)


@login_required
def consent_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The scanned consent, for whoever may see the person's personal data."""
    consent = selectors.consent_get(request.user, pk, perm=Perm.PEOPLE_PII)
    if not consent.document:
        raise Http404
    return FileResponse(consent.document.open("rb"), as_attachment=True)
