"""Subject requests and the breach register: thin views over people.subjects,
privacy.services and the selectors; what is outside the user's scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.exporting import XLSX, download
from pervichka.core.forms import apply_validation_error
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, has_perm_at
from pervichka.people import selectors as people_selectors
from pervichka.people import subjects
from pervichka.privacy import selectors, services
from pervichka.privacy.forms import BreachForm, BreachNotificationForm, SubjectSearchForm


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


# --- subject requests -------------------------------------------------------------------


@login_required
def subject_search(request: HttpRequest) -> HttpResponse:
    """Find a person by IIN (POST, so the IIN stays out of addresses and server logs)."""
    _require_anywhere(request.user, Perm.PRIVACY_SUBJECTS)
    form = SubjectSearchForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        try:
            person = subjects.subject_lookup(actor=request.user, iin=form.cleaned_data["iin"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if person is not None:
                return redirect("privacy:subject", pk=person.pk)
            not_found = True
    return render(request, "privacy/subject_search.html", {"form": form, "not_found": not_found})


@login_required
def subject_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.subject_get(request.user, pk)
    sections = subjects.subject_sections(actor=request.user, person=person)
    context = {
        "person": person,
        "sections": sections,
        "purposes": subjects.subject_purposes(person.pk),
        "can_anonymise": has_perm_at(request.user, Perm.PEOPLE_MANAGE, person.unit.path),
        "can_history": has_perm_at(request.user, Perm.PEOPLE_HISTORY, person.unit.path),
    }
    return render(request, "privacy/subject_detail.html", context)


@login_required
def subject_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything the system holds about the person, from every app, as XLSX or JSON."""
    if fmt not in ("xlsx", "json"):
        raise Http404
    person = people_selectors.subject_get(request.user, pk)
    sections = subjects.subject_sections(actor=request.user, person=person)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if fmt == "json":
        return download(
            subjects.subject_json(person, sections),
            f"subject-{person.pk}-{stamp}.json",
            "application/json",
        )
    return download(subjects.subject_xlsx(sections), f"subject-{person.pk}-{stamp}.xlsx", XLSX)


@login_required
@require_POST
def subject_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.subject_get(request.user, pk)
    try:
        changed = subjects.subject_anonymise(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The person has been anonymised (%(count)d records).") % {"count": changed}
        )
    return redirect("privacy:subject", pk=pk)


# --- the breach register ---------------------------------------------------------------


@login_required
def breach_list(request: HttpRequest) -> HttpResponse:
    """The register of breaches in scope, and the form to record a new one."""
    _require_anywhere(request.user, Perm.PRIVACY_BREACHES)
    form = BreachForm(
        request.POST or None,
        units=selectors.breach_units(request.user),
        responsibles=selectors.breach_responsibles(request.user),
        initial={"responsible": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            breach = services.breach_register(
                actor=request.user,
                unit=d["unit"],
                detected_at=d["detected_at"],
                description=d["description"],
                people_affected=d["people_affected"],
                measures=d.get("measures") or "",
                responsible=d["responsible"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The breach has been recorded."))
            return redirect("privacy:breach", pk=breach.pk)
    context = {"form": form, "breaches": selectors.breaches_visible(request.user)[:200]}
    return render(request, "privacy/breach_list.html", context)


@login_required
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One breach, and the form recording its notification to the authorised body."""
    breach = selectors.breach_get(request.user, pk)
    form = BreachNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_record_notification(
                actor=request.user,
                breach=breach,
                notified_at=form.cleaned_data["notified_at"],
                how=form.cleaned_data["how"],
                reference=form.cleaned_data.get("reference") or "",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The notification has been recorded."))
            return redirect("privacy:breach", pk=pk)
    return render(
        request,
        "privacy/breach_detail.html",
        {"breach": breach, "form": form, "now": timezone.now()},
    )
