"""Reads of the outreach app: who is in a segment (counted in one query), the meetings a
user may see, and the monthly plan against the fact."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from pervichka.appeals.models import Category
from pervichka.core import tree
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.outreach.enums import CitizenCategory, Membership
from pervichka.outreach.models import (
    ListOptOut,
    Meeting,
    MeetingQuestion,
    PersonCategory,
    Segment,
)
from pervichka.people.enums import MembershipStatus
from pervichka.people.models import Membership as PartyMembership
from pervichka.people.models import Person

YOUTH_AGES = (14, 35)  # the Law of RK "On state youth policy": citizens from 14 to 35


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_q(age_min: int | None, age_max: int | None, today: dt.date) -> Q:
    """People aged from `age_min` to `age_max` full years today (either may be open)."""
    q = Q()
    if age_min is not None:
        q &= Q(birth_date__lte=_years_ago(today, age_min))
    if age_max is not None:
        q &= Q(birth_date__gt=_years_ago(today, age_max + 1))
    return q


def category_q(code: str, today: dt.date) -> Q:
    """People of one category: derived from the date of birth, or recorded."""
    if code == CitizenCategory.YOUTH:
        return age_q(*YOUTH_AGES, today)
    if code == CitizenCategory.PENSIONER:
        ages = settings.PERVICHKA_PENSION_AGE
        women = Q(sex="F") & age_q(ages["F"], None, today)
        # Sex unknown (no IIN): the later age, so that nobody is called a pensioner early.
        others = ~Q(sex="F") & age_q(max(ages.values()), None, today)
        # The earliest pension age first, as one range on the date of birth (it also leaves
        # out the unknown dates): the index people.person_unit_born serves it, and the test
        # by sex then reads the index's own copy of the sex, not the table.
        return age_q(min(ages.values()), None, today) & (women | others)
    return Q(Exists(PersonCategory.objects.filter(person_id=OuterRef("pk"), category=code)))


def categories_of(person: Person, today: dt.date | None = None) -> list[str]:
    """Every category of a person, derived and recorded."""
    today = today or timezone.localdate()
    found = []
    for code in CitizenCategory.values:
        if (
            code in (CitizenCategory.YOUTH, CitizenCategory.PENSIONER)
            and Person.objects.filter(category_q(code, today), pk=person.pk).exists()
        ):
            found.append(code)
    found += list(PersonCategory.objects.filter(person=person).values_list("category", flat=True))
    return found


def segments_visible(user, *, perm: Perm = Perm.OUTREACH_VIEW) -> QuerySet[Segment]:
    return Segment.objects.visible_to(user, perm).select_related("unit")


def segment_get(user, pk: object, *, perm: Perm = Perm.OUTREACH_VIEW) -> Segment:
    return get_or_404(segments_visible(user, perm=perm), pk=pk)


def segment_people(user, segment: Segment, *, today: dt.date | None = None) -> QuerySet[Person]:
    """Who is in a segment now: the people the user may see, kept under the segment's unit,
    that match every filter (any one of its categories). One query, counted in the database.
    A fixed list is its entries, within the same scope."""
    return segment_filter(Person.objects.visible_to(user, Perm.OUTREACH_VIEW), segment, today)


def segment_filter(
    people: QuerySet[Person], segment: Segment, today: dt.date | None = None
) -> QuerySet[Person]:
    """`people` narrowed to the segment: kept under its unit and matching its filters (the
    worker sending a mailing has no user; it starts from every person)."""
    today = today or timezone.localdate()
    people = people.filter(unit__path__startswith=segment.unit.path)
    if segment.kind == "static":
        return people.filter(Exists(segment.entries.filter(person_id=OuterRef("pk")))).order_by(
            "surname", "name", "pk"
        )
    if segment.categories:
        any_category = Q()
        for code in segment.categories:
            any_category |= category_q(code, today)
        people = people.filter(any_category)
    if segment.pk:
        # In the same query (no round trip first): no village chosen means every village.
        chosen = Segment.settlements.through.objects.filter(segment_id=segment.pk)
        people = people.filter(
            ~Exists(chosen) | Q(settlement_id__in=chosen.values("settlement_id"))
        )
    if segment.age_min is not None or segment.age_max is not None:
        people = people.filter(age_q(segment.age_min, segment.age_max, today))
    if segment.membership != Membership.ANY:
        member = Exists(
            PartyMembership.objects.filter(person_id=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        )
        people = people.filter(member if segment.membership == Membership.MEMBERS else ~member)
    return people.order_by("surname", "name", "pk")


def segment_count(user, segment: Segment, *, today: dt.date | None = None) -> int:
    return segment_people(user, segment, today=today).count()


def units_for_outreach(user) -> QuerySet[OrgUnit]:
    """The units where the user may build segments and plan meetings."""
    return (
        OrgUnit.objects.visible_to(user, Perm.OUTREACH_MANAGE)
        .filter(kind__in=[tree.PRIMARY, tree.DISTRICT])
        .order_by("path")
    )


def settlements_for(user) -> QuerySet[Settlement]:
    """The villages of the districts the user works in (a chair: the primary's district)."""
    paths = {
        tree.district_path(u.path) or u.path
        for u in OrgUnit.objects.visible_to(user, Perm.OUTREACH_VIEW).only("path")[:500]
    }
    q = Q()
    for path in paths:
        q |= Q(district__path__startswith=path)
    return Settlement.objects.filter(q).order_by("name") if paths else Settlement.objects.none()


def meetings_visible(user, *, perm: Perm = Perm.OUTREACH_VIEW) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user, perm).select_related("unit", "settlement")


def meeting_get(user, pk: object, *, perm: Perm = Perm.OUTREACH_VIEW) -> Meeting:
    return get_or_404(meetings_visible(user, perm=perm), pk=pk)


def questions_of(meeting: Meeting) -> QuerySet[MeetingQuestion]:
    return meeting.questions.select_related("appeal").order_by("pk")


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    planned: int
    held: int
    held_as_planned: int
    people_reached: int
    questions: int
    questions_to_appeals: int

    @property
    def share(self) -> float | None:
        """Meetings planned for the month that were held (in any month), as a share."""
        return self.held_as_planned / self.planned if self.planned else None


def plan_vs_fact(user, year: int, *, unit: OrgUnit | None = None) -> list[MonthRow]:
    """Per month of `year`: meetings and visits planned for it, held in it, and what they
    reached. Two grouped queries whatever the number of units."""
    meetings = meetings_visible(user)
    if unit is not None:
        meetings = meetings.filter(unit__path__startswith=unit.path)
    planned = {
        row["planned_for__month"]: row
        for row in meetings.filter(planned_for__year=year)
        .values("planned_for__month")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(held_on__isnull=False)))
    }
    held = {
        row["held_on__month"]: row
        for row in meetings.filter(held_on__year=year)
        .values("held_on__month")
        .annotate(n=Count("pk"), reached=Sum("people_reached"))
    }
    # Questions apart: joined with the meetings above they would multiply the sums.
    asked = {
        row["meeting__held_on__month"]: row
        for row in MeetingQuestion.objects.filter(
            meeting__in=meetings.filter(held_on__year=year).values("pk")
        )
        .values("meeting__held_on__month")
        .annotate(n=Count("pk"), appeals=Count("pk", filter=Q(appeal__isnull=False)))
    }
    rows = []
    for month in range(1, 13):
        p, h, a = planned.get(month, {}), held.get(month, {}), asked.get(month, {})
        rows.append(
            MonthRow(
                month=dt.date(year, month, 1),
                planned=p.get("n", 0),
                held=h.get("n", 0),
                held_as_planned=p.get("done", 0),
                people_reached=h.get("reached") or 0,
                questions=a.get("n", 0),
                questions_to_appeals=a.get("appeals", 0),
            )
        )
    return rows


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=pycalendar.monthrange(day.year, day.month)[1])


def appeal_categories_for(meeting: Meeting):
    """The appeal categories of the meeting's district (a question becomes one of them)."""
    district_path_ = tree.district_path(meeting.unit.path)
    return Category.objects.filter(district__path=district_path_).order_by("order")


def person_for_categories(user, pk: object) -> Person:
    """A person whose categories the user may record (kept in the user's scope)."""
    return get_or_404(
        Person.objects.visible_to(user, Perm.OUTREACH_MANAGE).select_related("unit"), pk=pk
    )


def person_categories(person: Person) -> QuerySet[PersonCategory]:
    return PersonCategory.objects.filter(person=person).order_by("category")


def category_record_get(user, pk: object) -> PersonCategory:
    return get_or_404(PersonCategory.objects.visible_to(user, Perm.OUTREACH_MANAGE), pk=pk)


def question_get(user, meeting: Meeting, pk: object) -> MeetingQuestion:
    return get_or_404(meeting.questions.all(), pk=pk)


def can_register_appeals(user, meeting: Meeting) -> bool:
    path = tree.district_path(meeting.unit.path)
    return bool(path) and has_perm_at(user, Perm.APPEALS_MANAGE, path)


def list_optout_get(user, pk: object) -> ListOptOut:
    return get_or_404(ListOptOut.objects.visible_to(user, Perm.OUTREACH_MANAGE), pk=pk)


def segment_optouts(segment: Segment) -> int:
    """How many people opted out of this list (they get none of its mailings)."""
    return ListOptOut.objects.filter(segment=segment).count()


# --- for the API (outreach/api.py) ---------------------------------------------------------


def person_for_outreach(user, pk: object) -> Person:
    """A person whose categories the user may read (kept in the user's scope)."""
    return get_or_404(
        Person.objects.visible_to(user, Perm.OUTREACH_VIEW).select_related("unit"), pk=pk
    )


def segment_sample(user, segment: Segment, *, size: int = 20) -> list[Person]:
    """The first people of a segment, as the page previews them."""
    return list(segment_people(user, segment).select_related("settlement")[:size])


def unit_for_outreach(user, pk: object) -> OrgUnit:
    return get_or_404(units_for_outreach(user), pk=pk)


def settlement_for(user, pk: object) -> Settlement:
    return get_or_404(settlements_for(user), pk=pk)
