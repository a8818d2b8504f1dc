"""The portal's pages that combine apps: the list of primaries, the page of a primary (its
chair, its news, reception times and how to reach it) and sitemap.xml."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from pervichka.appeals.selectors import field_receptions_upcoming_public, offices_public
from pervichka.media import selectors as media
from pervichka.orgs.enums import PositionKind
from pervichka.orgs.selectors import district_of, positions_of


def primaries(request: HttpRequest) -> HttpResponse:
    return render(request, "site/portal/primaries.html", {"units": media.public_primaries()})


def primary(request: HttpRequest, pk: int) -> HttpResponse:
    unit = media.public_unit(pk)
    district = district_of(unit) or unit
    chair = (
        positions_of(unit)
        .filter(kind=PositionKind.CHAIR, end__isnull=True)
        .select_related("person")
        .first()
    )
    receptions = field_receptions_upcoming_public().filter(unit=district)
    if unit.settlement_id:
        receptions = receptions.filter(settlement_id=unit.settlement_id)
    return render(
        request,
        "site/portal/primary.html",
        {
            "unit": unit,
            "district": district,
            "chair": chair,
            "news": list(media.news_of_unit(unit)[:10]),
            "receptions": list(receptions[:5]),
            "offices": list(offices_public().filter(unit=district)),
            "accounts": list(media.social_accounts_public(unit)),
            "scope": "primary" if unit.kind == "primary" else "district",
        },
    )


class NewsSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return media.news_published()

    def location(self, item) -> str:
        return reverse("public:news_item", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


class UnitSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return media.public_primaries()

    def location(self, item) -> str:
        return reverse("public:primary", args=[item.pk])


class SectionSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["public:home", "public:news", "public:primaries", "public:projects",
                "public:promises", "public:receptions", "public:ideas"]  # fmt: skip

    def location(self, item) -> str:
        return reverse(item)


SITEMAPS = {"sections": SectionSitemap, "news": NewsSitemap, "units": UnitSitemap}
