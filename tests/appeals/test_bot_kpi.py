"""The rating's figure for the bot: bot appeals answered on time, per primary and above."""

import datetime as dt

from pervichka.appeals import services
from pervichka.appeals.kpis import bot_appeals_answered_on_time
from pervichka.appeals.models import Appeal
from pervichka.core.kpis import REGISTRY, Period


def test_bot_appeals_answered_on_time_counts_only_bot_appeals(
    tree, register, district_admin, chair_a
):
    bot_late, bot_on_time, walk_in = register(), register(text="Другое"), register(text="Третье")
    Appeal.objects.filter(pk__in=[bot_late.pk, bot_on_time.pk]).update(channel="telegram")
    # Answered today (7 December): one bot appeal was due before, the other after.
    Appeal.objects.filter(pk=bot_late.pk).update(due_date=dt.date(2026, 12, 4))
    Appeal.objects.filter(pk__in=[bot_on_time.pk, walk_in.pk]).update(
        due_date=dt.date(2026, 12, 31)
    )
    for appeal in (bot_late, bot_on_time, walk_in):
        appeal = services.appeal_assign(
            actor=district_admin, appeal=Appeal.objects.get(pk=appeal.pk), unit=tree.primary_a
        )
        services.appeal_answer(actor=district_admin, appeal=appeal, text="Ответ", outcome="solved")
    period = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    ids = [tree.primary_a.pk, tree.primary_b.pk, tree.district.pk]
    assert bot_appeals_answered_on_time(ids, period) == {
        tree.primary_a.pk: 0.5,
        tree.district.pk: 0.5,
    }
    assert "bot_appeals_answered_on_time" in REGISTRY
