"""The news on the public portal: the latest items, one item at its shareable address, the
archive by month, search, covers and RSS/Atom feeds. Published items only.

Pages are cached under the news version counter (`services.NEWS_COUNTER`, core.counters):
publishing, changing a published item or withdrawing it bumps the counter, so the next
request builds every page and feed afresh and a withdrawn item is gone from all of them at
once. What is cached is the page's content, not the whole response: the page around it
carries the reader's own CSRF token (the language switch) and is rendered per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pervichka.core import siteurl
from pervichka.core.counters import counter_value
from pervichka.core.paginator import CappedPaginator
from pervichka.media import selectors
from pervichka.media.rates import rates_latest
from pervichka.media.services import NEWS_COUNTER
from pervichka.projects.selectors import project_get

# A day bounds what an entry can cost after its key is no longer asked for.
PORTAL_CACHE_SECONDS = 24 * 3600
FEED_ITEMS = 30
PARTNER_NEWS = 5


def cached(key: str, build: Callable[[], dict]) -> dict:
    """`build()` once per news version, language and key."""
    full = f"media:portal:{counter_value(NEWS_COUNTER)}:{get_language()}:{key}"
    value = cache.get(full)
    if value is None:
        value = build()
        cache.set(full, value, PORTAL_CACHE_SECONDS)
    return value


def page(request: HttpRequest, part: dict, *, status: int = 200) -> HttpResponse:
    rates = cache.get("media:rates")
    if rates is None:
        rates = rates_latest()
        cache.set("media:rates", rates, 600)
    return render(request, "media/portal/page.html", part | {"rates": rates}, status=status)


def absolute(path: str) -> str:
    """A full address for Open Graph, feeds and the sitemap (core.siteurl: the configured
    PERVICHKA_SITE_URL, else the address the reader came in on)."""
    return siteurl.absolute(path)


def news_home(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("page", "1")
    number = number if number.isdigit() and len(number) < 6 else "1"

    def build() -> dict:
        listing = CappedPaginator(selectors.news_published(), 12).get_page(number)
        return {
            "title": _("News"),
            "content": render_to_string(
                "media/portal/_news_home.html",
                {
                    "page": listing,
                    "months": selectors.news_months()[:24],
                    "partners": list(selectors.partners_public()),
                    "partner_news": selectors.partner_news_public(PARTNER_NEWS),
                },
            ),
        }

    # The day is in the key: a partner's news leaves the page when its days are over.
    return page(request, cached(f"home:{number}:{timezone.localdate()}", build))


def news_item(request: HttpRequest, pk: int) -> HttpResponse:
    def build() -> dict:
        item = selectors.news_published_get(pk)
        url = absolute(reverse("public:news_item", args=[item.pk]))
        image = (
            absolute(reverse("public:news_cover", args=[item.pk, "cover"]))
            if item.cover_shown
            else ""
        )
        return {
            "title": item.display_title,
            "og": {
                "type": "article",
                "title": item.display_title,
                "description": item.display_lead,
                "url": url,
                "image": image,
                "published": item.published_at.isoformat(),
            },
            "content": render_to_string(
                "media/portal/_item.html",
                {
                    "item": item,
                    "url": url,
                    "projects": list(item.projects.all()),
                    "photos": list(selectors.photos_shown(item)),
                },
            ),
        }

    return page(request, cached(f"item:{pk}", build))


def news_archive(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404

    def build() -> dict:
        first = dt.date(year, month, 1)
        return {
            "title": _("News of %(month)s") % {"month": first.strftime("%m.%Y")},
            "content": render_to_string(
                "media/portal/_archive.html",
                {
                    "items": list(selectors.news_of_month(year, month)[:200]),
                    "month": first,
                    "months": selectors.news_months()[:36],
                },
            ),
        }

    return page(request, cached(f"archive:{year}:{month}", build))


def news_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    items = list(selectors.news_search(query)[:50])
    return page(
        request,
        {
            "title": _("Search the news"),
            "query": query,
            "content": render_to_string(
                "media/portal/_search.html", {"items": items, "query": query}
            ),
        },
    )


def news_cover(request: HttpRequest, pk: int, rendition: str) -> HttpResponse:
    item = selectors.news_published_get(pk)
    if not item.cover_shown:
        raise Http404
    field = {"cover": item.cover, "medium": item.cover_medium, "thumb": item.cover_thumb}.get(
        rendition
    )
    return _jpeg(field)


def news_photo(request: HttpRequest, pk: int, photo: int, rendition: str) -> HttpResponse:
    """A gallery photo of a published item; a taken-down one is missing."""
    found = selectors.photo_published_get(pk, photo)
    field = {
        "cover": found.image,
        "medium": found.image_medium,
        "thumb": found.image_thumb,
    }.get(rendition)
    return _jpeg(field)


def _jpeg(field) -> HttpResponse:
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    # Short: a picture taken down must leave the readers' caches soon.
    response["Cache-Control"] = "public, max-age=300"
    return response


class NewsRss(Feed):
    """The published news of a district (its primaries too), of one primary, or of a project."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, scope: str, key: str):
        if scope == "project":
            return ("project", project_get(key))
        if scope in ("district", "primary") and key.isdigit():
            return (scope, selectors.public_unit(key, kinds=(scope,)))
        raise Http404

    def title(self, obj) -> str:
        return _("News: %(name)s") % {"name": obj[1]}

    def link(self, obj) -> str:
        return reverse("public:news")

    def description(self, obj) -> str:
        return _("The latest news of %(name)s") % {"name": obj[1]}

    def items(self, obj):
        scope, target = obj
        if scope == "project":
            return selectors.news_of_project(target)[:FEED_ITEMS]
        return selectors.news_of_unit(target)[:FEED_ITEMS]

    def item_title(self, item) -> str:
        return item.display_title

    def item_description(self, item) -> str:
        return item.display_lead

    def item_link(self, item) -> str:
        return reverse("public:news_item", args=[item.pk])

    def item_enclosure_url(self, item) -> str | None:
        # The cover as the item's picture, while readers may see it.
        if not item.cover_shown:
            return None
        return absolute(reverse("public:news_cover", args=[item.pk, "medium"]))

    def item_enclosure_length(self, item) -> int:
        try:
            return item.cover_medium.size
        except (OSError, ValueError):
            return 0

    item_enclosure_mime_type = "image/jpeg"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class NewsAtom(NewsRss):
    feed_type = Atom1Feed

    def subtitle(self, obj) -> str:
        return self.description(obj)


def cached_feed(feed: Feed) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, scope: str, key: str) -> HttpResponse:
        full = (
            f"media:feed:{counter_value(NEWS_COUNTER)}:{get_language()}:"
            f"{type(feed).__name__}:{scope}:{key}"
        )
        hit = cache.get(full)
        if hit is not None:
            return HttpResponse(hit[0], content_type=hit[1])
        response = feed(request, scope=scope, key=key)
        cache.set(full, (response.content, response["Content-Type"]), PORTAL_CACHE_SECONDS)
        return response

    return view


news_rss = cached_feed(NewsRss())
news_atom = cached_feed(NewsAtom())
