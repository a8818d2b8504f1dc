"""What the media work contributes to the rating, per org unit and period."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from pervichka.core import tree
from pervichka.core.kpis import Period, register
from pervichka.media.enums import NewsStatus
from pervichka.media.models import MessageKit, NewsItem, SocialPost
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import units_and_primaries
from pervichka.people.selectors import member_counts_on
from pervichka.projects.kpis import sum_by_owner

# A primary's news count for the rating stops here in a month: more items are welcome, but
# the rating must not reward a flood of small notes.
NEWS_PER_MONTH_CAP = 8


@register("news_published", _("news published (capped per month)"), list_url="media:news")
def news_published(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = (
        NewsItem.objects.filter(
            unit_id__anyof=groups.members,
            status=NewsStatus.PUBLISHED,
            published_at__date__gte=period.start,
            published_at__date__lte=period.end,
        )
        .values_list("unit_id", "published_at__year", "published_at__month")
        .annotate(n=Count("pk"))
    )
    capped = [(unit_id, min(n, NEWS_PER_MONTH_CAP)) for unit_id, _y, _m, n in rows]
    return sum_by_owner(groups, capped)


def _posts(members: list[int], period: Period):
    return SocialPost.objects.filter(
        unit_id__anyof=members, posted_on__gte=period.start, posted_on__lte=period.end
    )


@register("posts_with_link", _("social posts logged with a verified link"), list_url="media:posts")
def posts_with_link(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Every logged post has a link checked against its platform (services.post_log)."""
    groups = units_and_primaries(unit_ids)
    rows = _posts(groups.members, period).values_list("unit_id").annotate(n=Count("pk"))
    return sum_by_owner(groups, rows)


@register("reach_per_100_members", _("reach of social posts (7 days) per 100 members"))
def reach_per_100_members(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """A unit with no members is left out (nothing to divide by)."""
    groups = units_and_primaries(unit_ids)
    rows = _posts(groups.members, period).values_list("unit_id").annotate(n=Sum("reach_7d"))
    reach = sum_by_owner(groups, rows)
    members = sum_by_owner(groups, member_counts_on(groups.members, period.end).items())
    return {u: 100 * reach[u] / members[u] for u in groups.asked if members.get(u)}


@register("kit_picked_up", _("messages of the week picked up (share)"), list_url="media:kits")
def kit_picked_up(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """The share of the district's messages of the week of the period (by their week) that
    the primary posted; for a district, of all (primary, message) pairs under it. A unit
    whose district sent no message in the period is left out (nothing to divide by)."""
    groups = units_and_primaries(unit_ids)
    paths = dict(OrgUnit.objects.filter(pk__anyof=groups.members).values_list("pk", "path"))
    sent_in = dict(
        MessageKit.objects.filter(week__gte=period.start, week__lte=period.end)
        .values_list("district__path")
        .annotate(n=Count("pk"))
    )
    if not sent_in:
        return {}
    sent = [(pk, sent_in.get(tree.district_path(path) or "", 0)) for pk, path in paths.items()]
    used = (
        SocialPost.objects.filter(
            unit_id__anyof=groups.members,
            kit__week__gte=period.start,
            kit__week__lte=period.end,
        )
        .values_list("unit_id")
        .annotate(n=Count("kit_id", distinct=True))
    )
    owed = sum_by_owner(groups, sent)
    done = sum_by_owner(groups, used)
    return {u: done[u] / owed[u] for u in groups.asked if owed.get(u)}
