"""What appeals contribute to the rating, per org unit and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from pervichka.appeals.enums import Channel
from pervichka.appeals.models import Appeal
from pervichka.core.kpis import Period, Record, register, register_records
from pervichka.orgs.selectors import units_and_primaries


@register("appeals_answered_on_time", _("appeals answered on time"), list_url="appeals:list")
def appeals_answered_on_time(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Of the appeals answered in the period, the share answered by their deadline.

    Counted for the organization responsible for the appeal and every unit above it."""
    return _answered_on_time(unit_ids, period, Q())


@register(
    "bot_appeals_answered_on_time",
    _("bot appeals answered on time"),
    list_url="appeals:list",
)
def bot_appeals_answered_on_time(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Of the appeals written in the citizens' Telegram bot and answered in the period, the
    share answered by their deadline (issue 17): the bot is only as good as its answers."""
    return _answered_on_time(unit_ids, period, Q(channel=Channel.TELEGRAM))


def _answered_on_time(unit_ids: Iterable[int], period: Period, which: Q) -> dict[int, float]:
    groups = units_and_primaries(unit_ids, kinds=("primary", "district"))
    rows = (
        Appeal.objects.filter(
            which,
            unit_id__anyof=groups.members,
            answered_at__date__gte=period.start,
            answered_at__date__lte=period.end,
        )
        .annotate(answered_on=TruncDate("answered_at"))
        .values("unit_id")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=Q(answered_on__lte=F("due_date"))))
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for unit_id in groups.owners[row["unit_id"]]:
            totals[unit_id][0] += row["total"]
            totals[unit_id][1] += row["on_time"]
    # A unit with no appeals due in the period is left out: no data, not 0%.
    return {u: totals[u][1] / totals[u][0] for u in groups.asked if totals[u][0]}


@register_records("appeals_answered_on_time")
def appeals_answered_records(unit_ids: Iterable[int], period: Period) -> dict[int, list[Record]]:
    """The appeals answered in the period, the ones the share is of."""
    groups = units_and_primaries(unit_ids, kinds=("primary", "district"))
    rows = Appeal.objects.filter(
        unit_id__anyof=groups.members,
        answered_at__date__gte=period.start,
        answered_at__date__lte=period.end,
    ).order_by("answered_at", "pk")
    result: dict[int, list[Record]] = defaultdict(list)
    for pk, unit_id, number in rows.values_list("pk", "unit_id", "number"):
        record = Record("appeals", "appeal", pk, number, "appeals:detail")
        for owner in groups.owners.get(unit_id, []):
            result[owner].append(record)
    return dict(result)
