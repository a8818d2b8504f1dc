"""What youth work contributes to the rating, per org unit and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, register
from pervichka.orgs.selectors import units_and_primaries
from pervichka.youth.models import Case


def _by_owner(groups, rows, key="primary") -> dict[int, float]:
    totals: dict[int, float] = defaultdict(float)
    for primary_id, value in rows:
        for owner in groups.owners.get(primary_id, []):
            totals[owner] += value
    return totals


def _active_cases(groups, period: Period):
    """Cases open at some time in the period."""
    return Case.objects.filter(
        young_person__primary_id__anyof=groups.members, opened_at__date__lte=period.end
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=period.start))


@register("youth_cases_active", _("youth cases open"), list_url="youth:registry")
def youth_cases_active(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Cases open at the period's end."""
    groups = units_and_primaries(unit_ids)
    rows = (
        Case.objects.filter(
            young_person__primary_id__anyof=groups.members, opened_at__date__lte=period.end
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=period.end))
        .values_list("young_person__primary_id")
        .annotate(n=Count("pk"))
    )
    totals = _by_owner(groups, rows)
    return {u: totals.get(u, 0.0) for u in groups.asked}


@register("placement_rate", _("young people placed into work or study"), list_url="youth:registry")
def placement_rate(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Of the cases active in the period, the share with a placement started in it."""
    groups = units_and_primaries(unit_ids)
    active = _active_cases(groups, period)
    active_rows = active.values_list("young_person__primary_id").annotate(n=Count("pk"))
    placed_rows = (
        active.filter(
            placements__started_on__gte=period.start, placements__started_on__lte=period.end
        )
        .values_list("young_person__primary_id")
        .annotate(n=Count("pk", distinct=True))
    )
    active_totals, placed_totals = _by_owner(groups, active_rows), _by_owner(groups, placed_rows)
    # No active case: no data, not 0%.
    return {
        u: placed_totals.get(u, 0.0) / active_totals[u]
        for u in groups.asked
        if active_totals.get(u)
    }


@register(
    "followups_overdue_share",
    _("youth follow-ups overdue"),
    higher_is_better=False,
    list_url="youth:followups",
)
def followups_overdue_share(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Of the cases open at the period's end, the share whose follow-up date had passed."""
    groups = units_and_primaries(unit_ids)
    open_cases = Case.objects.filter(
        young_person__primary_id__anyof=groups.members, opened_at__date__lte=period.end
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=period.end))
    rows = open_cases.values_list("young_person__primary_id").annotate(
        n=Count("pk"), late=Count("pk", filter=Q(next_followup__lt=period.end))
    )
    open_totals: dict[int, float] = defaultdict(float)
    late_totals: dict[int, float] = defaultdict(float)
    for primary_id, n, late in rows:
        for owner in groups.owners.get(primary_id, []):
            open_totals[owner] += n
            late_totals[owner] += late
    # No open case: no data (a 0% overdue would score as the best).
    return {u: late_totals[u] / open_totals[u] for u in groups.asked if open_totals.get(u)}
