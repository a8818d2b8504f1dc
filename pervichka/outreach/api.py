"""Outreach over the API: the categories of a person, segments (with their live count and
a sample of who is in them), meetings and visits (list, plan or record), and the questions
raised at them. Scoped like the pages (404 outside) and through the same services."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.roles import Perm
from pervichka.outreach import selectors, services
from pervichka.outreach.enums import CitizenCategory, MeetingKind
from pervichka.outreach.models import Meeting, MeetingQuestion, Segment

router = Router(tags=["outreach"])


class CategoryOut(Schema):
    code: str
    label: str
    recorded: bool
    source: str | None = None
    noted_on: dt.date | None = None


class PersonCategoriesOut(Schema):
    person_id: int
    categories: list[CategoryOut]


class SegmentOut(Schema):
    id: int
    unit_id: int
    name: str
    kind: str
    categories: list[str]
    settlement_ids: list[int]
    membership: str
    age_min: int | None
    age_max: int | None


class CountOut(Schema):
    segment_id: int
    count: int


class SampleOut(Schema):
    person_id: int
    name: str
    settlement: str


class MeetingIn(Schema):
    unit_id: int
    kind: MeetingKind
    topic: str = Field(min_length=1, max_length=300)
    settlement_id: int
    planned_for: dt.date | None = None
    held_on: dt.date | None = None
    categories: list[str] = []
    people_reached: int = Field(0, ge=0)
    who_went: str = Field("", max_length=500)
    notes: str = Field("", max_length=10_000)


class MeetingOut(Schema):
    id: int
    unit_id: int
    kind: str
    topic: str
    settlement_id: int
    planned_for: dt.date | None
    held_on: dt.date | None
    categories: list[str]
    people_reached: int
    who_went: str
    notes: str


class QuestionIn(Schema):
    text: str = Field(min_length=1, max_length=10_000)
    surname: str = Field("", max_length=100)
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    consent: bool = False


class QuestionOut(Schema):
    id: int
    meeting_id: int
    text: str
    appeal_id: int | None


def _segment_out(s: Segment) -> dict:
    return {
        "id": s.pk,
        "unit_id": s.unit_id,
        "name": s.name,
        "kind": s.kind,
        "categories": list(s.categories),
        "settlement_ids": [x.pk for x in s.settlements.all()],
        "membership": s.membership,
        "age_min": s.age_min,
        "age_max": s.age_max,
    }


def _meeting_out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "unit_id": m.unit_id,
        "kind": m.kind,
        "topic": m.topic,
        "settlement_id": m.settlement_id,
        "planned_for": m.planned_for,
        "held_on": m.held_on,
        "categories": list(m.categories),
        "people_reached": m.people_reached,
        "who_went": m.who_went,
        "notes": m.notes,
    }


def _question_out(q: MeetingQuestion) -> dict:
    return {"id": q.pk, "meeting_id": q.meeting_id, "text": q.text, "appeal_id": q.appeal_id}


@router.get(
    "/persons/{person_id}/categories",
    response=PersonCategoriesOut,
    summary="The categories of a person: derived from the date of birth and recorded",
)
def person_categories(request, person_id: int):
    person = selectors.person_for_outreach(actor(request), person_id)
    labels = dict(CitizenCategory.choices)
    recorded = {r.category: r for r in selectors.person_categories(person)}
    return {
        "person_id": person.pk,
        "categories": [
            {
                "code": code,
                "label": str(labels.get(code, code)),
                "recorded": code in recorded,
                "source": recorded[code].source if code in recorded else None,
                "noted_on": recorded[code].noted_on if code in recorded else None,
            }
            for code in selectors.categories_of(person)
        ],
    }


@router.get("/segments", response=list[SegmentOut], summary="Segments and lists in scope")
@paginate(Pagination)
def list_segments(request):
    segments = selectors.segments_visible(actor(request)).prefetch_related("settlements")
    return MappedPage(segments, _segment_out)


@router.get("/segments/{segment_id}", response=SegmentOut)
def get_segment(request, segment_id: int):
    return _segment_out(selectors.segment_get(actor(request), segment_id))


@router.get(
    "/segments/{segment_id}/count",
    response=CountOut,
    summary="How many people are in the segment now (counted live, within your scope)",
)
def count_segment(request, segment_id: int):
    user = actor(request)
    segment = selectors.segment_get(user, segment_id)
    return {"segment_id": segment.pk, "count": selectors.segment_count(user, segment)}


@router.get(
    "/segments/{segment_id}/sample",
    response=list[SampleOut],
    summary="The first people of the segment, as the page previews them",
)
def sample_segment(request, segment_id: int, size: int = Query(20, ge=1, le=100)):
    user = actor(request)
    segment = selectors.segment_get(user, segment_id)
    return [
        {"person_id": p.pk, "name": p.full_name, "settlement": str(p.settlement or "")}
        for p in selectors.segment_sample(user, segment, size=size)
    ]


@router.get("/meetings", response=list[MeetingOut], summary="Meetings and visits in scope")
@paginate(Pagination)
def list_meetings(request, year: int | None = Query(None, ge=2000, le=2100)):
    meetings = selectors.meetings_visible(actor(request))
    if year is not None:
        meetings = meetings.filter(Q(held_on__year=year) | Q(planned_for__year=year))
    return MappedPage(meetings, _meeting_out)


@router.post("/meetings", response={201: MeetingOut}, summary="Plan a meeting or record one held")
def create_meeting(request, payload: MeetingIn):
    user = actor(request)
    unit = selectors.unit_for_outreach(user, payload.unit_id)
    meeting = Meeting(
        unit=unit,
        kind=payload.kind,
        topic=payload.topic.strip(),
        settlement=selectors.settlement_for(user, payload.settlement_id),
        planned_for=payload.planned_for,
        held_on=payload.held_on,
        categories=list(payload.categories),
        people_reached=payload.people_reached,
        who_went=payload.who_went.strip(),
        notes=payload.notes.strip(),
    )
    return Status(201, _meeting_out(services.meeting_save(actor=user, meeting=meeting)))


@router.get("/meetings/{meeting_id}", response=MeetingOut)
def get_meeting(request, meeting_id: int):
    return _meeting_out(selectors.meeting_get(actor(request), meeting_id))


@router.get("/meetings/{meeting_id}/questions", response=list[QuestionOut])
def list_questions(request, meeting_id: int):
    meeting = selectors.meeting_get(actor(request), meeting_id)
    return [_question_out(q) for q in selectors.questions_of(meeting)]


@router.post(
    "/meetings/{meeting_id}/questions",
    response={201: QuestionOut},
    summary="Record a question raised at a held meeting",
)
def add_question(request, meeting_id: int, payload: QuestionIn):
    user = actor(request)
    meeting = selectors.meeting_get(user, meeting_id, perm=Perm.OUTREACH_MANAGE)
    question = services.question_add(
        actor=user,
        meeting=meeting,
        text=payload.text,
        surname=payload.surname,
        name=payload.name,
        phone=payload.phone,
        consent=payload.consent,
    )
    return Status(201, _question_out(question))
