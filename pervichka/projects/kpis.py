"""What party projects' events contribute to the rating, per org unit and period (the
plantings' figures are greening's, the ideas' are the ideas app's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, register
from pervichka.orgs.selectors import UnitGroups, units_and_primaries
from pervichka.projects.enums import VOLUNTEER_ROLES, EventStatus
from pervichka.projects.models import Event, EventParticipant


def sum_by_owner(groups: UnitGroups, rows: Iterable[tuple]) -> dict[int, float]:
    """Each asked unit's total of the (unit id, value) rows of the units it owns."""
    totals: dict[int, float] = defaultdict(float)
    for unit_id, value in rows:
        for owner in groups.owners.get(unit_id, []):
            totals[owner] += float(value or 0)
    return {u: totals.get(u, 0.0) for u in groups.asked}


@register("events_held", _("project events held"), list_url="projects:events")
def events_held(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = (
        Event.objects.filter(
            primary_id__anyof=groups.members,
            status=EventStatus.HELD,
            date__gte=period.start,
            date__lte=period.end,
        )
        .values_list("primary_id")
        .annotate(n=Count("pk"))
    )
    return sum_by_owner(groups, rows)


@register("volunteer_hours", _("volunteer hours at project events"), list_url="projects:volunteers")
def volunteer_hours(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Hours of volunteers and organizers at held events; participants only came."""
    groups = units_and_primaries(unit_ids)
    rows = (
        EventParticipant.objects.filter(
            role__in=VOLUNTEER_ROLES,
            event__primary_id__anyof=groups.members,
            event__status=EventStatus.HELD,
            event__date__gte=period.start,
            event__date__lte=period.end,
        )
        .values_list("event__primary_id")
        .annotate(h=Sum("hours"))
    )
    return sum_by_owner(groups, rows)
