"""What the election programme contributes to the rating, per district."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, register
from pervichka.orgs.selectors import units_and_primaries
from pervichka.promises.models import Promise
from pervichka.promises.selectors import on_track, status_on


@register("promises_on_track_share", _("promises on track"), list_url="promises:list")
def promises_on_track_share(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """At the period's end, the share of the district's promises done on time or not yet due
    and still being worked on (by the updates dated up to that day)."""
    groups = units_and_primaries(unit_ids, kinds=("district",))
    rows = status_on(
        Promise.objects.filter(district_id__anyof=groups.members),
        period.end,
    ).values_list("district_id", "status_then", "due_date")
    total: dict[int, int] = defaultdict(int)
    good: dict[int, int] = defaultdict(int)
    for district_id, status_then, due in rows:
        for owner in groups.owners.get(district_id, []):
            total[owner] += 1
            good[owner] += on_track(status_then, due, period.end)
    # No promises to be on track: no data.
    return {u: good[u] / total[u] for u in groups.asked if total.get(u)}
