"""Writes of the outreach app. Every function checks the actor's right at the unit it
writes under; a unit outside the actor's scope answers as a missing one (404)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.appeals.enums import Channel
from pervichka.appeals.models import Appeal, Category
from pervichka.appeals.services import Intake, appeal_register
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.tree import district_path
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import district_of
from pervichka.outreach.enums import RECORDED, CitizenCategory, SegmentKind
from pervichka.outreach.models import (
    Meeting,
    MeetingQuestion,
    PersonCategory,
    Segment,
    SegmentEntry,
)
from pervichka.outreach.selectors import segment_people
from pervichka.people.enums import ConsentMethod
from pervichka.people.models import Person
from pervichka.people.services import PersonData

MAX_PEOPLE_AT_A_MEETING = 100_000


def _require(actor, path: str, perm: Perm = Perm.OUTREACH_MANAGE) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


def _check_categories(codes: list[str], allowed: list[str] | None = None) -> list[str]:
    allowed = allowed if allowed is not None else list(CitizenCategory.values)
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValidationError({"categories": _("Unknown category: %s.") % ", ".join(unknown)})
    return list(dict.fromkeys(codes))


def _same_district(unit: OrgUnit, settlements) -> None:
    home = district_path(unit.path)
    for settlement in settlements:
        own = settlement.district.path
        if not (own.startswith(unit.path) or (home and own == home)):
            raise ValidationError(
                {
                    "settlements": _("%(village)s is not in this unit's district.")
                    % {"village": settlement}
                }
            )


# --- categories of people ----------------------------------------------------------------


def category_record(
    *, actor, person: Person, category: str, source: str, noted_on: dt.date
) -> PersonCategory:
    """Record (or re-date) a category of a person kept in the actor's scope."""
    _require(actor, person.unit.path)
    if category not in [c.value for c in RECORDED]:
        raise ValidationError({"category": _("This category follows from the date of birth.")})
    if noted_on > timezone.localdate() or noted_on.year < 2000:
        raise ValidationError({"noted_on": _("Enter a date between 2000 and today.")})
    record, _created = PersonCategory.objects.update_or_create(
        person=person,
        category=category,
        defaults={"source": source, "noted_on": noted_on, "recorded_by": actor},
    )
    record.full_clean()
    return record


def category_remove(*, actor, record: PersonCategory) -> None:
    _require(actor, record.person.unit.path)
    record.delete()


# --- segments and lists ------------------------------------------------------------------


@transaction.atomic
def segment_save(*, actor, segment: Segment, settlements=()) -> Segment:
    """Create or change a segment of a unit where the actor may work with citizens."""
    _require(actor, segment.unit.path)
    segment.categories = _check_categories(list(segment.categories or []))
    if not (segment.name or "").strip():
        raise ValidationError({"name": _("Name the segment.")})
    for bound in (segment.age_min, segment.age_max):
        if bound is not None and not 0 <= bound <= 120:
            raise ValidationError({"age_min": _("Enter ages from 0 to 120.")})
    settlements = list(settlements)
    _same_district(segment.unit, settlements)
    if segment.created_by_id is None and getattr(actor, "is_authenticated", False):
        segment.created_by = actor
    segment.full_clean(exclude=["created_by"])
    segment.save()
    segment.settlements.set(settlements)
    return segment


@transaction.atomic
def segment_freeze(*, actor, segment: Segment, name: str) -> Segment:
    """A fixed list of the people in the segment today (for example, those a mailing went
    to): later changes of the people do not move them in or out."""
    _require(actor, segment.unit.path)
    frozen = Segment(unit=segment.unit, name=name.strip(), kind=SegmentKind.STATIC)
    segment_save(actor=actor, segment=frozen)
    SegmentEntry.objects.bulk_create(
        SegmentEntry(segment=frozen, person_id=pk)
        for pk in segment_people(actor, segment).values_list("pk", flat=True).iterator()
    )
    return frozen


def segment_delete(*, actor, segment: Segment) -> None:
    _require(actor, segment.unit.path)
    segment.delete()


# --- meetings and visits -----------------------------------------------------------------


def _check_meeting(meeting: Meeting) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if meeting.planned_for is None and meeting.held_on is None:
        errors["planned_for"] = _("Give the date it is planned for, or the date it was held.")
    if meeting.planned_for and not (
        today - dt.timedelta(days=3 * 366)
        <= meeting.planned_for
        <= today + dt.timedelta(days=2 * 366)
    ):
        errors["planned_for"] = _("Plan within three years back and two years ahead.")
    if meeting.held_on and meeting.held_on > today:
        errors["held_on"] = _("A meeting cannot be held in the future.")
    if meeting.held_on and meeting.held_on < today - dt.timedelta(days=3 * 366):
        errors["held_on"] = _("Record meetings of the last three years.")
    if meeting.people_reached > MAX_PEOPLE_AT_A_MEETING:
        errors["people_reached"] = _("Check the number of people reached.")
    if meeting.held_on is None and meeting.people_reached:
        errors["people_reached"] = _("People are reached when the meeting is held.")
    if errors:
        raise ValidationError(errors)


def meeting_save(*, actor, meeting: Meeting) -> Meeting:
    """Plan a meeting or visit, or record one held (planned or not)."""
    _require(actor, meeting.unit.path)
    if meeting.unit.kind not in ("primary", "district"):
        raise ValidationError({"unit": _("Meetings are held by a primary or a district.")})
    meeting.categories = _check_categories(list(meeting.categories or []))
    _same_district(meeting.unit, [meeting.settlement] if meeting.settlement_id else [])
    _check_meeting(meeting)
    if meeting.created_by_id is None and getattr(actor, "is_authenticated", False):
        meeting.created_by = actor
    meeting.full_clean(exclude=["created_by"])
    meeting.save()
    return meeting


def question_add(
    *,
    actor,
    meeting: Meeting,
    text: str,
    surname: str = "",
    name: str = "",
    phone: str = "",
    consent: bool = False,
) -> MeetingQuestion:
    _require(actor, meeting.unit.path)
    if meeting.held_on is None:
        raise ValidationError({"text": _("Questions are recorded once the meeting is held.")})
    question = MeetingQuestion(
        meeting=meeting,
        text=(text or "").strip(),
        citizen_surname=surname.strip(),
        citizen_name=name.strip(),
        citizen_phone=phone.strip(),
        consent=consent,
    )
    if (surname.strip() or phone.strip()) and not consent:
        raise ValidationError(
            {"consent": _("Without the resident's consent keep the question without a name.")}
        )
    if not question.text:
        raise ValidationError({"text": _("Write the question.")})
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_to_appeal(
    *, actor, question: MeetingQuestion, category: Category, confirm_duplicate: bool = False
) -> Appeal:
    """Register the question as an appeal of the district, in one step, by a user who may
    register appeals there (a chair sees the question wait for the district)."""
    _require(actor, question.meeting.unit.path, Perm.OUTREACH_VIEW)
    if question.appeal_id:
        raise ValidationError(_("This question is already an appeal."))
    district = district_of(question.meeting.unit)
    if district is None or not has_perm_at(actor, Perm.APPEALS_MANAGE, district.path):
        raise ValidationError(_("Appeals are registered by the district's operators."))
    if not (question.citizen_surname and question.citizen_name and question.consent):
        raise ValidationError(_("An appeal needs the resident's surname, first name and consent."))
    appeal = appeal_register(
        actor=actor,
        district=district,
        data=PersonData(
            surname=question.citizen_surname,
            name=question.citizen_name,
            phone=question.citizen_phone,
            settlement=question.meeting.settlement,
            consent_method=ConsentMethod.VERBAL,
        ),
        intake=Intake(
            channel=Channel.MEETING,
            category=category,
            text=question.text,
            settlement=question.meeting.settlement,
            contact_phone=question.citizen_phone,
            received_at=timezone.make_aware(
                dt.datetime.combine(question.meeting.held_on, dt.time(12))
            ),
        ),
        confirm_duplicate=confirm_duplicate,
    )
    question.appeal = appeal
    question.save(update_fields=["appeal"])
    return appeal
