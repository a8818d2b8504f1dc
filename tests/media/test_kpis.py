"""The media work's figures for the rating, through the KPI registry."""

import datetime as dt

from pervichka.core import kpis
from pervichka.media import services
from pervichka.media.kpis import NEWS_PER_MONTH_CAP
from pervichka.media.models import NewsItem
from tests.factories import MembershipFactory
from tests.media.conftest import news_data

DECEMBER = kpis.Period.month(2026, 12)


def publish(author, moderator, unit, n):
    for _ in range(n):
        item = services.news_create(actor=author, unit=unit, data=news_data())
        item = services.news_act(actor=author, item=item, action="submit")
        item = services.news_act(actor=moderator, item=item, action="approve")
        services.news_act(actor=moderator, item=item, action="publish")


def test_news_published_is_capped_per_month(correspondent_a, press_secretary, tree):
    publish(correspondent_a, press_secretary, tree.primary_a, NEWS_PER_MONTH_CAP + 2)
    draft = services.news_create(actor=correspondent_a, unit=tree.primary_a, data=news_data())
    assert draft.status == "draft"  # drafts do not count
    ids = [tree.primary_a.pk, tree.primary_b.pk, tree.district.pk]
    assert kpis.compute("news_published", ids, DECEMBER) == {
        tree.primary_a.pk: NEWS_PER_MONTH_CAP,
        tree.primary_b.pk: 0.0,
        tree.district.pk: NEWS_PER_MONTH_CAP,
    }
    # Two in November count for November, not against December's cap.
    # Two of the published ones (not the draft: without an order PostgreSQL may pick it).
    published = NewsItem.objects.filter(status="published").order_by("pk")
    NewsItem.objects.filter(pk__in=list(published.values_list("pk", flat=True)[:2])).update(
        published_at=dt.datetime(2026, 11, 10, 5, tzinfo=dt.UTC)
    )
    assert kpis.compute("news_published", ids, kpis.Period.year(2026))[tree.primary_a.pk] == (
        NEWS_PER_MONTH_CAP + 2
    )


def test_posts_and_reach_per_100_members(correspondent_a, tree):
    for _ in range(4):
        MembershipFactory(primary=tree.primary_a, joined=dt.date(2020, 1, 1))
    for n, reach in enumerate((100, 300, None)):
        services.post_log(
            actor=correspondent_a,
            unit=tree.primary_a,
            platform="instagram",
            url=f"https://instagram.com/p/k{n}",
            posted_on=dt.date(2026, 12, 1),
            reach_7d=reach,
        )
    ids = [tree.primary_a.pk, tree.primary_b.pk]
    assert kpis.compute("posts_with_link", ids, DECEMBER) == {
        tree.primary_a.pk: 3.0,
        tree.primary_b.pk: 0.0,
    }
    # 400 reached, 4 members: 10,000 per 100; primary B has no members, so no figure.
    assert kpis.compute("reach_per_100_members", ids, DECEMBER) == {tree.primary_a.pk: 10000.0}
