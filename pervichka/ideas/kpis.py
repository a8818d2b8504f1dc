"""What the ideas contest contributes to the rating, per org unit and period."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, register
from pervichka.ideas.models import Idea
from pervichka.orgs.selectors import units_and_primaries
from pervichka.projects.kpis import sum_by_owner


@register("ideas_submitted", _("ideas submitted to the contest"), list_url="ideas:ideas")
def ideas_submitted(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Ideas count for the primary of the author's village, or the district where there is
    none."""
    groups = units_and_primaries(unit_ids, kinds=("primary", "district"))
    rows = (
        Idea.objects.filter(
            unit_id__anyof=groups.members,
            submitted_at__date__gte=period.start,
            submitted_at__date__lte=period.end,
        )
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return sum_by_owner(groups, rows)
