"""The rating of the demo district: the last four closed quarters computed, the three older
ones final; in the latest, the chair of the first primary objects to «events held» (upheld)
and the chair of the fourth to «dues collection rate» (rejected), and the recomputed version
2 is the provisional rating the chairs see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pervichka.core.calendar import add_working_days
from pervichka.rating import services
from pervichka.rating.models import RatingRun


def _closed_quarters(today: dt.date, count: int) -> list[dt.date]:
    start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    result = []
    while len(result) < count:
        month = start.month - 3
        start = dt.date(start.year - (month < 1), (month - 1) % 12 + 1, 1)
        period = services.period_ensure(kind="quarter", start=start)
        if period.closes_on <= today:
            result.append(start)
    return list(reversed(result))


def seed(ctx: dict) -> None:
    district = ctx["district"]
    if RatingRun.objects.filter(district=district).exists():
        return
    admin = ctx["users"]["admin"]
    quarters = _closed_quarters(timezone.localdate(), 4)
    for start in quarters:
        period = services.period_ensure(kind="quarter", start=start)
        run = services.rating_compute(actor=admin, district=district, period=period)
        if start == quarters[-1]:
            break
        # History: the objection window of an old quarter ran out long ago.
        RatingRun.objects.filter(pk=run.pk).update(
            objections_until=add_working_days(period.closes_on, 5)
        )
        run.refresh_from_db()
        services.rating_finalize(actor=admin, run=run)
    chair, chair2 = ctx["users"]["chair"], ctx["users"]["chair2"]
    first = run.scores.get(primary=ctx["primaries"][0])
    # The objection is to the volunteer hours: the district administrator entered the
    # demo's events, so an objection to their count is for another commission member to
    # decide (services.disputed_data_entered_by); the hours name no records.
    hours = first.lines.get(indicator__kpi="volunteer_hours")
    upheld = services.objection_raise(
        actor=chair,
        score=first,
        indicator=hours.indicator,
        text="Часы волонтёров на двух субботниках не внесены: списки и табели в группе ППО.",
        claimed_value=(hours.raw or Decimal(0)) + 16,
    )
    services.objection_decide(
        actor=admin,
        objection=upheld,
        decision="upheld",
        reason="Табели волонтёров подтверждают 16 часов на двух субботниках.",
    )
    fourth = run.scores.get(primary=ctx["primaries"][3])
    dues = fourth.lines.get(indicator__kpi="collection_rate")
    rejected = services.objection_raise(
        actor=chair2,
        score=fourth,
        indicator=dues.indicator,
        text="Взносы за март сданы наличными, но не внесены в учёт.",
        claimed_value=Decimal("0.95"),
    )
    services.objection_decide(
        actor=admin,
        objection=rejected,
        decision="rejected",
        reason="Квитанций за март не представлено; учёт верен.",
    )
    services.rating_recompute(actor=admin, run=run)
