"""What the work with citizens contributes to the rating, per org unit and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, register
from pervichka.orgs.selectors import units_and_primaries
from pervichka.outreach.models import Meeting, MeetingQuestion
from pervichka.people.selectors import member_counts_on


def _by_owner(groups, rows: Iterable[tuple]) -> dict[int, list[float]]:
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for unit_id, a, b in rows:
        for owner in groups.owners.get(unit_id, []):
            totals[owner][0] += float(a or 0)
            totals[owner][1] += float(b or 0)
    return totals


@register(
    "residents_reached_per_100",
    _("residents reached at meetings and visits per 100 members"),
    list_url="outreach:meetings",
)
def residents_reached_per_100(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = (
        Meeting.objects.filter(
            unit_id__anyof=groups.members, held_on__gte=period.start, held_on__lte=period.end
        )
        .values_list("unit_id")
        .annotate(n=Sum("people_reached"), none=Count("pk", filter=Q(pk__isnull=True)))
    )
    reached = _by_owner(groups, rows)
    members = _by_owner(
        groups, ((pk, n, 0) for pk, n in member_counts_on(groups.members, period.end).items())
    )
    # No members on the day: nothing to divide by, no data (not 0).
    return {
        u: reached.get(u, [0.0])[0] * 100 / members[u][0]
        for u in groups.asked
        if members.get(u, [0.0])[0]
    }


@register(
    "meetings_held_against_plan",
    _("meetings and visits planned for the period that were held"),
    list_url="outreach:meetings",
)
def meetings_held_against_plan(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = (
        Meeting.objects.filter(
            unit_id__anyof=groups.members,
            planned_for__gte=period.start,
            planned_for__lte=period.end,
        )
        .values_list("unit_id")
        .annotate(held=Count("pk", filter=Q(held_on__isnull=False)), planned=Count("pk"))
    )
    totals = _by_owner(groups, rows)
    return {u: held / planned for u, (held, planned) in totals.items() if planned}


@register(
    "questions_to_appeals",
    _("questions raised at meetings that became appeals"),
    list_url="outreach:meetings",
)
def questions_to_appeals(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = (
        MeetingQuestion.objects.filter(
            meeting__unit_id__anyof=groups.members,
            meeting__held_on__gte=period.start,
            meeting__held_on__lte=period.end,
        )
        .values_list("meeting__unit_id")
        .annotate(appeals=Count("pk", filter=Q(appeal__isnull=False)), asked=Count("pk"))
    )
    totals = _by_owner(groups, rows)
    return {u: done / asked for u, (done, asked) in totals.items() if asked}
