"""The School's pages: courses and cohorts, a cohort's sessions, enrolments, attendance and
assessment, coverage of the chairs, printable certificates; and the public verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.actions import FormAction, form_action
from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.ratelimit import client_ip, hit
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.selectors import org_units_visible
from pervichka.people.access import records_export
from pervichka.people.services import person_lookup
from pervichka.training import selectors, services
from pervichka.training.forms import (
    CertificateForm,
    CohortForm,
    CourseForm,
    EnrolForm,
    ModuleFormSet,
    SessionForm,
    TrainersForm,
)
from pervichka.training.models import Course


def _require(user) -> None:
    if not has_perm_anywhere(user, Perm.TRAINING_VIEW):
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    return render(
        request,
        "training/home.html",
        {
            "courses": selectors.courses_active(),
            "cohorts": selectors.cohorts_visible(request.user)[:50],
            "enrolments": selectors.enrolments_visible(request.user).order_by("-enrolled_at")[:50],
            "can_manage": has_perm_anywhere(request.user, Perm.TRAINING_MANAGE),
            "can_manage_courses": selectors.can_manage_courses(request.user),
        },
    )


@login_required
def module_material(request: HttpRequest, pk: int) -> FileResponse:
    _require(request.user)
    module = selectors.module_material_get(pk)
    return FileResponse(
        module.material_file.open("rb"), filename=module.material_file.name.rsplit("/", 1)[-1]
    )


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.TRAINING_MANAGE):
        raise Http404
    form = CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cohort = services.cohort_create(
                actor=request.user,
                course=d["course"],
                unit=d["unit"],
                name=d["name"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                place=d["place"],
                trainers=d["trainers"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("training:cohort", pk=cohort.pk)
    return render(request, "training/cohort_new.html", {"form": form})


@login_required
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.TRAINING_MANAGE, cohort.unit.path)
    sessions = list(cohort.sessions.select_related("module"))
    return render(
        request,
        "training/cohort.html",
        {
            "cohort": cohort,
            "trainers": cohort.trainers.order_by("last_name", "first_name", "username"),
            "sessions": sessions,
            "rows": selectors.cohort_table(cohort),
            "can_manage": can_manage,
            "session_form": SessionForm(cohort=cohort),
            "enrol_form": EnrolForm(),
        },
    )


@login_required
def cohort_trainers(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a cohort's trainers (linked from the cohort's page)."""
    cohort = selectors.cohort_get(request.user, pk, perm=Perm.TRAINING_MANAGE)
    form = TrainersForm(request.POST or None, user=request.user, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_trainers_set(
                actor=request.user, cohort=cohort, trainers=form.cleaned_data["trainers"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The trainers are saved."))
            return redirect("training:cohort", pk=cohort.pk)
    return render(request, "training/trainers.html", {"cohort": cohort, "form": form})


def _cohort_actions(request: HttpRequest, cohort) -> dict[str, FormAction]:
    actor = request.user

    def session(data: dict) -> str:
        services.session_add(actor=actor, cohort=cohort, **data)
        return _("The session is added.")

    def enrol(data: dict) -> str:
        person = person_lookup(actor=actor, iin=data["iin"])
        if person is None:
            raise ValidationError(_("Nobody with this IIN is in your registry."))
        services.enrol(actor=actor, cohort=cohort, person=person)
        return _("%(name)s is enrolled.") % {"name": person}

    def chairs(data: dict) -> str:
        n = services.enrol_chairs(actor=actor, cohort=cohort)
        return _("Chairs enrolled: %(n)d.") % {"n": n}

    def assess(data: dict) -> str:
        enrolment = get_or_404(cohort.enrolments.all(), pk=request.POST.get("enrolment"))
        raw = request.POST.get("score", "").strip()
        if not raw.isdigit():
            raise ValidationError(_("A score is from 0 to 100."))
        enrolment = services.assess(actor=actor, enrolment=enrolment, score=int(raw))
        return _("%(name)s: %(status)s.") % {
            "name": enrolment.person,
            "status": enrolment.get_status_display(),
        }

    def withdraw(data: dict) -> str:
        enrolment = get_or_404(cohort.enrolments.all(), pk=request.POST.get("enrolment"))
        services.withdraw(actor=actor, enrolment=enrolment, reason=request.POST.get("reason", ""))
        return _("Withdrawn.")

    return {
        "session": FormAction(
            form=lambda post, files: SessionForm(post, cohort=cohort),
            invalid=_("Give the session's start and hours."),
            handle=session,
        ),
        "enrol": FormAction(
            form=lambda post, files: EnrolForm(post),
            invalid=lambda form: " ".join(form.errors.get("iin", [])),
            handle=enrol,
        ),
        "chairs": FormAction(handle=chairs),
        "assess": FormAction(handle=assess),
        "withdraw": FormAction(handle=withdraw),
    }


@login_required
@require_POST
def cohort_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    cohort = selectors.cohort_get(request.user, pk, perm=Perm.TRAINING_MANAGE)
    result = form_action(request, _cohort_actions(request, cohort), action)
    if result.ok:
        messages.success(request, result.value)
    else:
        messages.error(request, " ".join(result.messages()))
    return redirect("training:cohort", pk=cohort.pk)


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(request.user, pk, perm=Perm.TRAINING_MANAGE)
    cohort = selectors.cohort_get(request.user, session.cohort_id, perm=Perm.TRAINING_MANAGE)
    enrolments = cohort.enrolments.exclude(status="withdrawn").select_related("person")
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            services.attendance_mark(actor=request.user, session=session, present=present)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect("training:cohort", pk=cohort.pk)
    marked = set(session.attendance.filter(present=True).values_list("enrolment_id", flat=True))
    return render(
        request,
        "training/attendance.html",
        {"session": session, "enrolments": enrolments, "marked": marked},
    )


@login_required
@records_export("training coverage export", Perm.TRAINING_VIEW)
@replica_reads
def coverage(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    districts = org_units_visible(request.user, perm=Perm.TRAINING_VIEW).filter(
        kind=OrgKind.DISTRICT
    )
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        unit = get_or_404(org_units_visible(request.user, perm=Perm.TRAINING_VIEW), pk=raw)
    else:
        unit = selectors.coverage_default_unit(request.user)
    if unit is None:
        raise Http404
    rows, share = selectors.coverage(unit)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "coverage.xlsx",
            _("Coverage"),
            [_("Primary organization"), _("Chair"), _("Trained"), _("Status")],
            (
                [
                    str(r.primary),
                    r.chair.full_name,
                    _("yes") if r.trained else _("no"),
                    r.enrolment.get_status_display() if r.enrolment else "",
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "training/coverage.html",
        {
            "unit": unit,
            "rows": rows,
            "share": share,
            "percent": None if share is None else round(share * 100),
            "trained": sum(r.trained for r in rows),
            "districts": districts,
            "can_pii": has_perm_at(request.user, Perm.PEOPLE_PII, unit.path),
        },
    )


@login_required
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    enrolment = get_or_404(selectors.enrolments_visible(request.user), certificate_code=code)
    if enrolment.status != "completed":
        raise Http404
    return render(request, "training/certificate.html", {"e": enrolment})


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a certificate by its code: valid or not, whose, which course, when."""
    form = CertificateForm(request.GET or None)
    found, checked = None, False
    if form.is_bound and form.is_valid():
        if not hit("certificate-verify", client_ip(request), limit=120, window_seconds=3600):
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
        else:
            checked = True
            found = selectors.certificate(form.cleaned_data["code"])
    return render(
        request, "training/public/verify.html", {"form": form, "found": found, "checked": checked}
    )


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    """The School's courses, all of them (closed ones too), for those who keep them."""
    if not selectors.can_manage_courses(request.user):
        raise Http404
    return render(request, "training/courses.html", {"courses": selectors.courses_all()})


@login_required
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not selectors.can_manage_courses(request.user):
            raise Http404
        course = Course()
    else:
        course = selectors.course_get(request.user, pk)
    form = CourseForm(request.POST or None, instance=course)
    modules = ModuleFormSet(request.POST or None, instance=course, prefix="modules")
    if request.method == "POST" and form.is_valid() and modules.is_valid():
        try:
            course = services.course_save(
                actor=request.user,
                course=form.save(commit=False),
                modules=modules.save(commit=False),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("training:courses")
    return render(
        request, "training/course_form.html", {"form": form, "modules": modules, "course": course}
    )
