"""The outreach pages: segments and lists with live counts, the meetings and visits with
the plan against the fact, questions raised and turned into appeals. Thin views over
selectors and services; everything outside the user's scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.appeals.services import DuplicateSuspected
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, has_perm_at
from pervichka.outreach import mailings, selectors, services
from pervichka.outreach.forms import (
    CategoryForm,
    ListOptOutForm,
    MeetingForm,
    QuestionForm,
    SegmentForm,
    ToAppealForm,
)

SAMPLE_SIZE = 20


def _require_view(user) -> None:
    if not has_perm_anywhere(user, Perm.OUTREACH_VIEW):
        raise Http404


@login_required
def segments(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    rows = [
        (segment, selectors.segment_count(request.user, segment))
        for segment in selectors.segments_visible(request.user)[:200]
    ]
    return render(
        request,
        "outreach/segments.html",
        {"rows": rows, "can_manage": has_perm_anywhere(request.user, Perm.OUTREACH_MANAGE)},
    )


def _segment_form(request, instance=None):
    return SegmentForm(
        request.POST or None,
        instance=instance,
        units=selectors.units_for_outreach(request.user),
        settlements=selectors.settlements_for(request.user),
    )


@login_required
def segment_new(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.OUTREACH_MANAGE):
        raise Http404
    form = _segment_form(request)
    if request.method == "POST" and form.is_valid():
        segment = form.save(commit=False)
        try:
            services.segment_save(
                actor=request.user, segment=segment, settlements=form.cleaned_data["settlements"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Segment saved."))
            return redirect("outreach:segment", pk=segment.pk)
    return render(request, "outreach/segment_form.html", {"form": form})


@login_required
def segment(request: HttpRequest, pk: int) -> HttpResponse:
    segment = selectors.segment_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.OUTREACH_MANAGE, segment.unit.path)
    form = _segment_form(request, instance=segment) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "freeze":
                name = request.POST.get("name") or _("%(segment)s on %(day)s") % {
                    "segment": segment.name,
                    "day": timezone.localdate().strftime("%d.%m.%Y"),
                }
                frozen = services.segment_freeze(actor=request.user, segment=segment, name=name)
                messages.success(request, _("The list is fixed."))
                return redirect("outreach:segment", pk=frozen.pk)
            if action == "delete":
                services.segment_delete(actor=request.user, segment=segment)
                messages.success(request, _("Segment deleted."))
                return redirect("outreach:segments")
            if form.is_valid():
                services.segment_save(
                    actor=request.user,
                    segment=form.save(commit=False),
                    settlements=form.cleaned_data["settlements"],
                )
                messages.success(request, _("Segment saved."))
                return redirect("outreach:segment", pk=segment.pk)
        except ValidationError as exc:
            if form is not None:
                apply_validation_error(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
    people = selectors.segment_people(request.user, segment)
    return render(
        request,
        "outreach/segment.html",
        {
            "segment": segment,
            "count": people.count(),
            "opted_out": selectors.segment_optouts(segment),
            "sample": people.select_related("settlement")[:SAMPLE_SIZE],
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 2)
    queryset = selectors.meetings_visible(request.user)
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    rows = selectors.plan_vs_fact(request.user, year)
    return render(
        request,
        "outreach/meetings.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "years": list(range(today.year - 2, today.year + 2)),
            "totals": {
                "planned": sum(r.planned for r in rows),
                "held": sum(r.held for r in rows),
                "reached": sum(r.people_reached for r in rows),
                "questions": sum(r.questions for r in rows),
                "appeals": sum(r.questions_to_appeals for r in rows),
            },
            "today": today,
            "can_manage": has_perm_anywhere(request.user, Perm.OUTREACH_MANAGE),
        },
    )


def _meeting_form(request, instance=None, *, bound: bool = True):
    return MeetingForm(
        (request.POST or None) if bound else None,
        instance=instance,
        units=selectors.units_for_outreach(request.user),
        settlements=selectors.settlements_for(request.user),
    )


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.OUTREACH_MANAGE):
        raise Http404
    form = _meeting_form(request)
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        try:
            services.meeting_save(actor=request.user, meeting=meeting)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("outreach:meeting", pk=meeting.pk)
    return render(request, "outreach/meeting_form.html", {"form": form})


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.OUTREACH_MANAGE, meeting.unit.path)
    form = _meeting_form(request, instance=meeting) if can_manage else None
    question_form = QuestionForm(prefix="q")
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if request.POST.get("action") == "question":
            question_form = QuestionForm(request.POST, prefix="q")
            if question_form.is_valid():
                data = question_form.cleaned_data
                try:
                    services.question_add(actor=request.user, meeting=meeting, **data)
                except ValidationError as exc:
                    apply_validation_error(question_form, exc)
                else:
                    messages.success(request, _("Question recorded."))
                    return redirect("outreach:meeting", pk=meeting.pk)
            form = _meeting_form(request, instance=meeting, bound=False)
        elif form.is_valid():
            try:
                services.meeting_save(actor=request.user, meeting=form.save(commit=False))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Meeting saved."))
                return redirect("outreach:meeting", pk=meeting.pk)
    categories = selectors.appeal_categories_for(meeting)
    return render(
        request,
        "outreach/meeting.html",
        {
            "meeting": meeting,
            "form": form,
            "question_form": question_form,
            "questions": selectors.questions_of(meeting),
            "to_appeal_form": ToAppealForm(categories=categories),
            "can_manage": can_manage,
            "can_register": selectors.can_register_appeals(request.user, meeting),
        },
    )


@login_required
@require_POST
def question_to_appeal(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    item = selectors.question_get(request.user, meeting, question)
    form = ToAppealForm(request.POST, categories=selectors.appeal_categories_for(meeting))
    if not form.is_valid():
        messages.error(request, _("Choose the appeal's category."))
        return redirect("outreach:meeting", pk=meeting.pk)
    try:
        appeal = services.question_to_appeal(
            actor=request.user,
            question=item,
            category=form.cleaned_data["category"],
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
        )
    except DuplicateSuspected:
        messages.warning(
            request,
            _("A similar appeal was registered lately. Tick 'a new appeal' to register it."),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registered as appeal %(number)s.") % {"number": appeal.number})
    return redirect("outreach:meeting", pk=meeting.pk)


@login_required
def person_categories(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_categories(request.user, pk)
    form = CategoryForm(request.POST or None, initial={"noted_on": timezone.localdate()})
    optout_form = ListOptOutForm(prefix="o", segments=mailings.segments_for_mailing(request.user))
    if request.method == "POST":
        if request.POST.get("action") == "optout":
            optout_form = ListOptOutForm(
                request.POST, prefix="o", segments=mailings.segments_for_mailing(request.user)
            )
            if optout_form.is_valid():
                mailings.list_optout_record(
                    actor=request.user, person=person, segment=optout_form.cleaned_data["segment"]
                )
                messages.success(request, _("Opt-out from the list recorded."))
                return redirect("outreach:person_categories", pk=person.pk)
            form = CategoryForm(initial={"noted_on": timezone.localdate()})
        elif request.POST.get("action") == "optout_remove":
            optout = selectors.list_optout_get(request.user, request.POST.get("optout"))
            mailings.list_optout_remove(actor=request.user, optout=optout)
            messages.success(request, _("Opt-out from the list removed."))
            return redirect("outreach:person_categories", pk=person.pk)
        elif request.POST.get("action") == "remove":
            record = selectors.category_record_get(request.user, request.POST.get("record"))
            services.category_remove(actor=request.user, record=record)
            messages.success(request, _("Category removed."))
            return redirect("outreach:person_categories", pk=person.pk)
        if form.is_valid():
            try:
                services.category_record(actor=request.user, person=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Category recorded."))
                return redirect("outreach:person_categories", pk=person.pk)
    return render(
        request,
        "outreach/person_categories.html",
        {
            "person": person,
            "form": form,
            "records": selectors.person_categories(person),
            "all_categories": selectors.categories_of(person),
            "optout_form": optout_form,
            "optouts": mailings.list_optouts_of(person),
            "contact_consents": mailings.contact_consents_of(person),
        },
    )
