"""The portal's news: pages, Open Graph tags, feeds that parse, sitemap, cache invalidation,
and a withdrawn item gone from everything at once."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from pervichka.media import services
from pervichka.media.models import NewsItem
from pervichka.orgs.services import position_assign
from tests.media.conftest import jpeg_upload, news_data

ATOM = "{http://www.w3.org/2005/Atom}"


def feeds(tree, project=None):
    urls = []
    for kind in ("news_rss", "news_atom"):
        urls.append(reverse(f"public:{kind}", args=["district", tree.district.pk]))
        urls.append(reverse(f"public:{kind}", args=["primary", tree.primary_a.pk]))
        if project:
            urls.append(reverse(f"public:{kind}", args=["project", project]))
    return urls


def test_published_item_on_home_page_with_open_graph(client, published):
    home = client.get(reverse("public:news"))
    assert home.status_code == 200
    assert "Талшик: субботник".encode() in home.content
    page = client.get(reverse("public:news_item", args=[published.pk]))
    html = page.content.decode()
    assert '<meta property="og:title" content="Талшик: субботник">' in html
    assert '<meta property="og:description" content="Жители села убрали парк у школы.">' in html
    url = f"http://testserver/news/{published.pk}/"  # the address the reader came in on
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert "<strong>сорок</strong>" in html


def test_item_page_in_kazakh(client, published):
    client.cookies["pervichka_language"] = "kk"
    html = client.get(reverse("public:news_item", args=[published.pk])).content.decode()
    assert "Талшик: сенбілік" in html
    assert 'lang="kk"' in html


def test_cover_gives_og_image_and_is_served_only_while_published(
    client, correspondent_a, press_secretary, tree
):
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(), cover=jpeg_upload()
    )
    cover = reverse("public:news_cover", args=[item.pk, "cover"])
    assert client.get(cover).status_code == 404
    services.cover_state(actor=correspondent_a, item=item, people="none", persons=[])
    item = services.news_act(actor=correspondent_a, item=item, action="submit")
    item = services.news_act(actor=press_secretary, item=item, action="approve")
    item = services.news_act(actor=press_secretary, item=item, action="publish")
    response = client.get(cover)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    html = client.get(reverse("public:news_item", args=[item.pk])).content.decode()
    assert f'<meta property="og:image" content="http://testserver{cover}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_drafts_and_submitted_items_are_not_public(client, draft, correspondent_a):
    assert client.get(reverse("public:news_item", args=[draft.pk])).status_code == 404
    services.news_act(actor=correspondent_a, item=draft, action="submit")
    assert client.get(reverse("public:news_item", args=[draft.pk])).status_code == 404
    assert "субботник".encode() not in client.get(reverse("public:news")).content


def test_feeds_parse_and_carry_the_item(client, published, tree):
    published.projects.set([])
    for url in feeds(tree):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)
        if url.endswith("/atom/"):
            assert root.tag == f"{ATOM}feed"
            [entry] = root.findall(f"{ATOM}entry")
            assert entry.find(f"{ATOM}title").text == "Талшик: субботник"
            assert entry.find(f"{ATOM}link").get("href").endswith(f"/news/{published.pk}/")
            assert entry.find(f"{ATOM}updated").text
        else:
            assert root.tag == "rss"
            [entry] = root.findall("channel/item")
            assert entry.find("title").text == "Талшик: субботник"
            assert entry.find("pubDate").text
            assert entry.find("guid").text.endswith(f"/news/{published.pk}/")


def test_project_feed_lists_tagged_items(client, correspondent_a, press_secretary, tree):
    from pervichka.projects.models import Project

    tazalike = Project.objects.get(code="tazalike")
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(projects=[tazalike])
    )
    for action in ("submit", "approve", "publish"):
        item = services.news_act(
            actor=correspondent_a if action == "submit" else press_secretary,
            item=item,
            action=action,
        )
    rss = client.get(reverse("public:news_rss", args=["project", "tazalike"]))
    assert len(ET.fromstring(rss.content).findall("channel/item")) == 1
    socium = client.get(reverse("public:news_rss", args=["project", "socium"]))
    assert ET.fromstring(socium.content).findall("channel/item") == []


@pytest.mark.hostile
@pytest.mark.parametrize(
    "args", [["region", "1"], ["district", "x"], ["primary", "99999999"], ["project", "<x>"]]
)
def test_unknown_feed_is_404(client, tree, args):
    assert client.get(reverse("public:news_rss", args=args)).status_code == 404


def test_withdrawn_item_disappears_from_pages_and_feeds_at_once(
    client, published, press_secretary, tree, django_capture_on_commit_callbacks
):
    item_url = reverse("public:news_item", args=[published.pk])
    archive = reverse("public:news_archive", args=[2026, 12])
    urls = [reverse("public:news"), archive, *feeds(tree)]
    for url in [item_url, *urls]:  # now cached
        assert "Талшик: субботник".encode() in client.get(url).content, url
    with django_capture_on_commit_callbacks(execute=True):
        services.news_act(
            actor=press_secretary, item=published, action="unpublish", note="Ошибка в тексте"
        )
    assert client.get(item_url).status_code == 404
    for url in urls:
        assert "Талшик: субботник".encode() not in client.get(url).content, url
    sitemap = client.get(reverse("public:sitemap")).content.decode()
    assert f"/news/{published.pk}/" not in sitemap


def test_pages_are_served_from_cache_until_the_news_changes(
    client, published, press_secretary, django_capture_on_commit_callbacks
):
    url = reverse("public:news_item", args=[published.pk])
    assert "Талшик: субботник".encode() in client.get(url).content
    # A write that goes round the services is not seen: the page comes from the cache.
    NewsItem.objects.filter(pk=published.pk).update(title="Изменено мимо сервиса")
    assert "Талшик: субботник".encode() in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        services.news_update(actor=press_secretary, item=published, data=news_data("Новое"))
    assert "Новое: субботник".encode() in client.get(url).content


def test_archive_search_and_sitemap(client, published, tree):
    assert (
        "Талшик: субботник".encode()
        in client.get(reverse("public:news_archive", args=[2026, 12])).content
    )
    assert (
        "субботник".encode()
        not in client.get(reverse("public:news_archive", args=[2026, 11])).content
    )
    found = client.get(reverse("public:news_search"), {"q": "парк школы"})
    assert "Талшик: субботник".encode() in found.content
    missed = client.get(reverse("public:news_search"), {"q": "трактор"})
    assert "Талшик: субботник".encode() not in missed.content
    sitemap = client.get(reverse("public:sitemap"))
    assert sitemap.status_code == 200
    root = ET.fromstring(sitemap.content)
    locations = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"http://testserver/news/{published.pk}/" in locations
    assert f"http://testserver/primaries/{tree.primary_a.pk}/" in locations


@pytest.mark.hostile
@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "%", "' OR 1=1 --", "\x00", "a" * 500])
def test_search_with_hostile_input(client, published, q):
    response = client.get(reverse("public:news_search"), {"q": q})
    # A NUL byte is refused before any view (core.middleware); the rest are searched for.
    assert response.status_code == (400 if "\x00" in q else 200)
    assert b"<script>alert(1)</script>" not in response.content


def test_archive_of_an_impossible_month_is_404(client):
    assert client.get(reverse("public:news_archive", args=[2026, 13])).status_code == 404


def test_primary_page_shows_chair_news_and_receptions(
    client, published, tree, member_a, district_admin
):
    position_assign(
        actor=district_admin, org_unit=tree.primary_a, person=member_a.person, kind="chair",
        start=member_a.joined,
    )  # fmt: skip
    html = client.get(reverse("public:primary", args=[tree.primary_a.pk])).content.decode()
    assert "Ахметова Айгерим" in html
    assert "Талшик: субботник" in html
    assert member_a.person.iin not in html
    other = client.get(reverse("public:primary", args=[tree.primary_b.pk])).content.decode()
    assert "Талшик: субботник" not in other
    assert "ППО Айсары" in client.get(reverse("public:primaries")).content.decode()
