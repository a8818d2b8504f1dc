"""What party projects' events contribute to the rating, per org unit and period (the
plantings' figures are greening's, the ideas' are the ideas app's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, Record, register, register_records
from pervichka.orgs.selectors import UnitGroups, units_and_primaries
from pervichka.projects.enums import VOLUNTEER_ROLES, EventStatus
from pervichka.projects.models import Event, EventParticipant, EventPhoto


def sum_by_owner(groups: UnitGroups, rows: Iterable[tuple]) -> dict[int, float]:
    """Each asked unit's total of the (unit id, value) rows of the units it owns."""
    totals: dict[int, float] = defaultdict(float)
    for unit_id, value in rows:
        for owner in groups.owners.get(unit_id, []):
            totals[owner] += float(value or 0)
    return {u: totals.get(u, 0.0) for u in groups.asked}


def _held(members: list[int], period: Period, *, evidence: bool = False):
    events = Event.objects.filter(
        primary_id__anyof=members,
        status=EventStatus.HELD,
        date__gte=period.start,
        date__lte=period.end,
    )
    if evidence:  # a photo or a list of who took part
        events = events.filter(
            Q(Exists(EventPhoto.objects.filter(event_id=OuterRef("pk"))))
            | Q(Exists(EventParticipant.objects.filter(event_id=OuterRef("pk"))))
        )
    return events


def _event_records(unit_ids: Iterable[int], period: Period, *, evidence: bool):
    groups = units_and_primaries(unit_ids)
    result: dict[int, list[Record]] = defaultdict(list)
    rows = _held(groups.members, period, evidence=evidence).order_by("date", "pk")
    for pk, primary_id, title, date, entered_by in rows.values_list(
        "pk", "primary_id", "title", "date", "created_by_id"
    ):
        record = Record(
            "projects", "event", pk, f"{date:%d.%m.%Y} {title}", "projects:event", entered_by
        )
        for owner in groups.owners.get(primary_id, []):
            result[owner].append(record)
    return dict(result)


@register("events_held", _("project events held"), list_url="projects:events")
def events_held(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = _held(groups.members, period).values_list("primary_id").annotate(n=Count("pk"))
    return sum_by_owner(groups, rows)


@register_records("events_held")
def events_held_records(unit_ids: Iterable[int], period: Period) -> dict[int, list[Record]]:
    return _event_records(unit_ids, period, evidence=False)


@register(
    "events_with_evidence",
    _("project events held with a photo or a participant list"),
    list_url="projects:events",
)
def events_with_evidence(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Held events that show they happened: an event entered with neither a photo nor a
    list of who took part does not count (issue 15, point 5)."""
    groups = units_and_primaries(unit_ids)
    rows = (
        _held(groups.members, period, evidence=True)
        .values_list("primary_id")
        .annotate(n=Count("pk"))
    )
    return sum_by_owner(groups, rows)


@register_records("events_with_evidence")
def events_with_evidence_records(
    unit_ids: Iterable[int], period: Period
) -> dict[int, list[Record]]:
    return _event_records(unit_ids, period, evidence=True)


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
