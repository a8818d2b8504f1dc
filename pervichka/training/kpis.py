"""What the School contributes to the rating, per primary (and up the tree)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, register, register_course_link
from pervichka.orgs.enums import PositionKind
from pervichka.orgs.models import Position
from pervichka.orgs.selectors import units_and_primaries
from pervichka.training.enums import EnrolmentStatus
from pervichka.training.models import Attendance, Course, Enrolment


@register("chair_trained", _("chair trained by the School"), list_url="training:home")
def chair_trained(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """1 when the primary's chair at the period's end has completed a course required for
    chairs by then, else 0; above a primary, the share of its primaries."""
    groups = units_and_primaries(unit_ids)
    chairs = dict(
        Position.objects.filter(
            org_unit_id__anyof=groups.members, kind=PositionKind.CHAIR, start__lte=period.end
        )
        .filter(Q(end__isnull=True) | Q(end__gte=period.end))
        .values_list("org_unit_id", "person_id")
    )
    trained = set(
        Enrolment.objects.filter(
            person_id__in=chairs.values(),
            status=EnrolmentStatus.COMPLETED,
            cohort__course__required_for_chairs=True,
            completed_on__lte=period.end,
        ).values_list("person_id", flat=True)
    )
    count: dict[int, int] = defaultdict(int)
    good: dict[int, int] = defaultdict(int)
    for primary_id in groups.members:
        for owner in groups.owners.get(primary_id, []):
            count[owner] += 1
            good[owner] += chairs.get(primary_id) in trained
    # A unit with no primaries under it: no data.
    return {u: good[u] / count[u] for u in groups.asked if count.get(u)}


@register("training_hours", _("hours of training attended"), list_url="training:home")
def training_hours(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Hours of the School's sessions in the period attended by the primary's people."""
    groups = units_and_primaries(unit_ids)
    rows = (
        Attendance.objects.filter(
            present=True,
            enrolment__primary_id__anyof=groups.members,
            session__starts_at__date__gte=period.start,
            session__starts_at__date__lte=period.end,
        )
        .values_list("enrolment__primary_id")
        .annotate(h=Sum("session__hours"))
    )
    totals: dict[int, float] = defaultdict(float)
    for primary_id, hours in rows:
        for owner in groups.owners.get(primary_id, []):
            totals[owner] += float(hours or 0)
    return {u: totals.get(u, 0.0) for u in groups.asked}


@register_course_link
def course_link(code: str) -> tuple[str, str] | None:
    """An active course by its code: its name and its card on the School's page (the
    rating's tip for the weakest dimension links there)."""
    course = Course.objects.filter(code=code, is_active=True).first()
    if course is None:
        return None
    return course.display_name, f"{reverse('training:home')}#course-{course.code}"
