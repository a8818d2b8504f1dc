"""Reads of the media work: staff lists scoped to the actor, and the portal's public reads
(published items only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from pervichka.core import tree
from pervichka.core.counters import counter_value
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at
from pervichka.media.enums import NewsStatus
from pervichka.media.models import (
    MessageKit,
    NewsItem,
    NewsPhoto,
    Partner,
    PartnerNews,
    SocialAccount,
    SocialPost,
)
from pervichka.media.services import NEWS_COUNTER
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import district_of
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Person
from pervichka.people.selectors import persons_with_open_consent
from pervichka.projects.selectors import events_visible, projects_active


def news_visible(user) -> QuerySet[NewsItem]:
    return (
        NewsItem.objects.visible_to(user, Perm.MEDIA_VIEW)
        .select_related("unit", "author")
        .order_by("-updated_at", "-pk")
    )


def news_get(user, pk: object) -> NewsItem:
    """One item the user may read; 404 for missing and forbidden alike."""
    return get_or_404(news_visible(user), pk=pk)


def can_moderate(user, item: NewsItem) -> bool:
    return has_perm_at(user, Perm.MEDIA_MODERATE, item.unit.path)


def can_write(user, item: NewsItem) -> bool:
    return has_perm_at(user, Perm.MEDIA_WRITE, item.unit.path)


def news_history(item: NewsItem) -> QuerySet:
    return item.history.select_related("history_user").order_by("-history_date")


def writable_units(user) -> QuerySet[OrgUnit]:
    """The primaries and districts the user writes news for: the choices of the form."""
    return (
        OrgUnit.objects.visible_to(user, Perm.MEDIA_WRITE)
        .filter(kind__in=("primary", "district"))
        .order_by("path")
    )


def events_of_units(user, unit_ids) -> QuerySet:
    return events_visible(user).filter(primary_id__in=list(unit_ids)).order_by("-date")[:200]


def projects_for_tags() -> QuerySet:
    return projects_active()


@dataclass(frozen=True)
class QueueRow:
    item: NewsItem
    age_days: int  # whole days since submission
    overdue: bool


def moderation_queue(user, *, today: dt.date | None = None) -> list[QueueRow]:
    """Submitted items the user moderates, oldest first, with their age and deadline."""
    today = today or timezone.localdate()
    now = timezone.now()
    items = (
        NewsItem.objects.visible_to(user, Perm.MEDIA_MODERATE)
        .filter(status=NewsStatus.SUBMITTED)
        .select_related("unit", "author")
        .order_by("submitted_at", "pk")
    )
    return [
        QueueRow(
            item=item,
            age_days=(now - item.submitted_at).days if item.submitted_at else 0,
            overdue=bool(item.due_on and item.due_on < today),
        )
        for item in items
    ]


def queue_summary(user, *, today: dt.date | None = None) -> dict[str, int]:
    rows = moderation_queue(user, today=today)
    return {"waiting": len(rows), "overdue": sum(r.overdue for r in rows)}


def photos_of(item: NewsItem) -> QuerySet[NewsPhoto]:
    """The whole gallery for staff, taken-down photos included (marked, not shown)."""
    return item.photos.prefetch_related("persons").order_by("position", "pk")


def photo_get(user, item_pk: object, pk: object) -> NewsPhoto:
    """A photo of an item the user may read; 404 for missing and forbidden alike."""
    return get_or_404(
        NewsPhoto.objects.visible_to(user, Perm.MEDIA_VIEW).select_related("news_item__unit"),
        news_item_id=item_pk,
        pk=pk,
    )


def photo_people_choices(units) -> QuerySet[Person]:
    """Persons an author of these units may name in a photo: kept in their districts, with
    an open consent to the publication of photos."""
    paths = {tree.district_path(unit.path) or unit.path for unit in units}
    found = Person.objects.none()
    for path in sorted(paths):
        found = found | persons_with_open_consent(ConsentPurpose.PHOTOS, under_path=path)
    return found.select_related("unit").distinct().order_by("surname", "name", "pk")


# The portal ----------------------------------------------------------------------------


def photos_shown(item: NewsItem) -> QuerySet[NewsPhoto]:
    """The gallery readers see: taken-down photos never, nor one added to a published item
    whose people are not stated yet."""
    return (
        item.photos.filter(taken_down_at__isnull=True).exclude(people="").order_by("position", "pk")
    )


def photo_published_get(item_pk: object, pk: object) -> NewsPhoto:
    return get_or_404(
        NewsPhoto.objects.filter(
            news_item__status=NewsStatus.PUBLISHED, taken_down_at__isnull=True
        ).exclude(people=""),
        news_item_id=item_pk,
        pk=pk,
    )


def news_published() -> QuerySet[NewsItem]:
    return (
        NewsItem.objects.filter(status=NewsStatus.PUBLISHED)
        .select_related("unit")
        .order_by("-published_at", "-pk")
    )


def news_latest(count: int) -> QuerySet[NewsItem]:
    """The newest published items, for the portal's home."""
    return news_published()[:count]


def news_public_filtered(*, unit_id: int = 0, project: str = "", month: str = "") -> QuerySet:
    """Published items, optionally of a unit and everything under it, of a project (its
    code) and of a month (YYYY-MM); a unit or month that does not exist matches nothing."""
    items = news_published()
    if unit_id:
        unit = OrgUnit.objects.filter(pk=unit_id, kind__in=("primary", "district")).first()
        items = items.filter(unit__path__startswith=unit.path) if unit else items.none()
    if project:
        items = items.filter(projects__code=project)
    if month:
        year, number = (int(part) for part in month.split("-"))
        if not (2000 <= year <= 2100 and 1 <= number <= 12):
            return items.none()
        items = items.filter(published_at__year=year, published_at__month=number)
    return items


def news_with_key_exists(key: str) -> bool:
    return NewsItem.objects.filter(idempotency_key=key).exists()


def event_of_unit(user, unit: OrgUnit, event_id: int | None):
    """The event of `unit` the user may see, None for none; 404 for another's or missing."""
    if not event_id:
        return None
    return get_or_404(events_visible(user).filter(primary_id=unit.pk), pk=event_id)


def news_version() -> int:
    """The version of what readers see of the news: a key of every cached page that shows
    news, moved on when an item is published, changed or withdrawn."""
    return counter_value(NEWS_COUNTER)


def news_published_get(pk: object) -> NewsItem:
    return get_or_404(news_published().prefetch_related("projects"), pk=pk)


def news_of_unit(unit: OrgUnit) -> QuerySet[NewsItem]:
    """Published items of the unit and everything under it (a district: its primaries too)."""
    return news_published().filter(unit__path__startswith=unit.path)


def news_of_project(project) -> QuerySet[NewsItem]:
    return news_published().filter(projects=project)


def news_of_month(year: int, month: int) -> QuerySet[NewsItem]:
    return news_published().filter(published_at__year=year, published_at__month=month)


def news_months() -> list[dt.date]:
    """The months with published news, newest first (the archive's index)."""
    return [
        d.date() if isinstance(d, dt.datetime) else d
        for d in news_published().dates("published_at", "month", order="DESC")
    ]


def news_search(query: str) -> QuerySet[NewsItem]:
    words = [w for w in (query or "").split() if len(w) >= 2][:5]
    if not words:
        return news_published().none()
    q = Q()
    for word in words:
        term = Q()
        for name in ("title", "title_kk", "title_en", "lead", "lead_kk", "lead_en", "body",
                     "body_kk", "body_en"):  # fmt: skip
            term |= Q(**{f"{name}__icontains": word})
        q &= term
    return news_published().filter(q)


def public_unit(pk: object, *, kinds: tuple[str, ...] = ("primary", "district")) -> OrgUnit:
    """A unit shown on the portal (the org tree is public: names only)."""
    return get_or_404(OrgUnit.objects.filter(kind__in=kinds), pk=pk)


def public_primaries() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(kind="primary").order_by("path")


def public_units_with_news() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        kind__in=("primary", "district"), news_items__status=NewsStatus.PUBLISHED
    ).distinct()


# Social networks ---------------------------------------------------------------------------


def posts_visible(user) -> QuerySet[SocialPost]:
    return (
        SocialPost.objects.visible_to(user, Perm.MEDIA_VIEW)
        .select_related("unit", "news_item")
        .order_by("-posted_on", "-pk")
    )


def post_get(user, pk: object) -> SocialPost:
    return get_or_404(posts_visible(user), pk=pk)


def posts_monthly_summary(user, *, year: int, month: int) -> list[dict]:
    """Per unit and platform: posts in the month, how many carry reach, and the reach."""
    return list(
        posts_visible(user)
        .filter(posted_on__year=year, posted_on__month=month)
        .values("unit__name", "platform")
        .annotate(
            posts=Count("pk"),
            reach_24h=Sum("reach_24h"),
            reach_7d=Sum("reach_7d"),
        )
        .order_by("unit__name", "platform")
    )


def same_district(a: OrgUnit, b: OrgUnit) -> bool:
    return district_of(a) == district_of(b)


def social_accounts_public(unit: OrgUnit) -> QuerySet:
    """The accounts a unit shows on its portal page (addresses are public by nature)."""
    return unit.social_accounts.order_by("platform", "pk")


def accounts_visible(user) -> QuerySet[SocialAccount]:
    return (
        SocialAccount.objects.visible_to(user, Perm.MEDIA_VIEW)
        .select_related("unit")
        .order_by("unit__path", "platform")
    )


def telegram_posts_of(item: NewsItem) -> QuerySet:
    return item.telegram_posts.order_by("-created_at", "-pk")


# The message of the week -------------------------------------------------------------------


def kits_visible(user) -> QuerySet[MessageKit]:
    """The kits of the user's districts: those the user works in and, for a primary's chair
    or correspondent, the district above (the kit is sent to them)."""
    return (
        MessageKit.objects.readable_upwards(user, Perm.MEDIA_VIEW)
        .select_related("district", "created_by")
        .order_by("-week", "-pk")
    )


def kit_get(user, pk: object) -> MessageKit:
    """One kit the user may read; 404 for missing and forbidden alike."""
    return get_or_404(kits_visible(user), pk=pk)


def kit_sees_district(user, kit: MessageKit) -> bool:
    """Does the user see the whole district's pick-up table (not only their primary's)?"""
    return has_perm_at(user, Perm.MEDIA_VIEW, kit.district.path)


def kit_primaries_to_mark(user, kit: MessageKit) -> QuerySet[OrgUnit]:
    """The primaries of the kit's district for which the user marks the kit as used."""
    return (
        OrgUnit.objects.visible_to(user, Perm.MEDIA_WRITE)
        .filter(kind="primary", path__startswith=kit.district.path)
        .order_by("path")
    )


def kit_posts(user, kit: MessageKit) -> QuerySet[SocialPost]:
    """The kit's pick-ups the user may see (a primary sees its own)."""
    return (
        posts_visible(user)
        .filter(kit=kit)
        .select_related("unit", "created_by")
        .order_by("unit__path", "posted_on", "pk")
    )


@dataclass(frozen=True)
class PickupRow:
    primary: OrgUnit
    posts: list[SocialPost]  # empty: the primary did not pick the kit up


def kit_pickups(user, kit: MessageKit) -> list[PickupRow]:
    """Every primary of the kit's district the user sees, with the posts in which it used
    the kit: who picked it up, where and when, and who did not (those come first)."""
    by_unit: dict[int, list[SocialPost]] = {}
    for post in kit_posts(user, kit):
        by_unit.setdefault(post.unit_id, []).append(post)
    primaries = (
        OrgUnit.objects.visible_to(user, Perm.MEDIA_VIEW)
        .filter(kind="primary", path__startswith=kit.district.path)
        .order_by("path")
    )
    rows = [PickupRow(primary=p, posts=by_unit.get(p.pk, [])) for p in primaries]
    return sorted(rows, key=lambda r: bool(r.posts))


def kit_pickup_counts(kits: list[MessageKit]) -> dict[int, int]:
    """How many primaries picked up each kit (for the district's list)."""
    rows = (
        SocialPost.objects.filter(kit__in=kits)
        .values("kit_id")
        .annotate(n=Count("unit_id", distinct=True))
    )
    return {row["kit_id"]: row["n"] for row in rows}


def kit_current(user, *, today: dt.date | None = None) -> MessageKit | None:
    """This week's message of the user's district, if the district sent one."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return kits_visible(user).filter(week=monday).first()


def kit_districts(user) -> QuerySet[OrgUnit]:
    """The districts for which the user writes the message of the week."""
    return (
        OrgUnit.objects.visible_to(user, Perm.MEDIA_MODERATE)
        .filter(kind="district")
        .order_by("path")
    )


# Partners of the district ------------------------------------------------------------------


def partners_managed(user) -> QuerySet[Partner]:
    """The partners of the districts whose news the user moderates, active ones first."""
    return (
        Partner.objects.visible_to(user, Perm.MEDIA_MODERATE)
        .select_related("district")
        .order_by("district__path", "-is_active", "position", "pk")
    )


def partner_get(user, pk: object) -> Partner:
    """One partner the user manages; 404 for missing and forbidden alike."""
    return get_or_404(partners_managed(user), pk=pk)


def partner_news_of(partner: Partner) -> QuerySet[PartnerNews]:
    return partner.news.order_by("-on_date", "-pk")


def partner_news_get(user, pk: object) -> PartnerNews:
    return get_or_404(
        PartnerNews.objects.visible_to(user, Perm.MEDIA_MODERATE).select_related(
            "partner__district"
        ),
        pk=pk,
    )


def partner_districts(user) -> QuerySet[OrgUnit]:
    """The districts whose partners the user manages (those whose news they moderate)."""
    return kit_districts(user)


def partners_public() -> QuerySet[Partner]:
    """The active partners the portal links to, in the districts' order."""
    return Partner.objects.filter(is_active=True).order_by("district__path", "position", "pk")


def partner_news_public(limit: int) -> list[PartnerNews]:
    """The latest news of active partners still within their days on the portal."""
    today = timezone.localdate()
    return list(
        PartnerNews.objects.filter(
            partner__is_active=True, on_date__lte=today, shown_until__gte=today
        )
        .select_related("partner")
        .order_by("-on_date", "-pk")[:limit]
    )
