"""The portal's home: the latest published news and the branch's sections, served from the
cache and built afresh when news is published, changed or withdrawn."""

import re

import pytest
from django.urls import reverse

from pervichka.media import services
from pervichka.media.models import NewsItem
from pervichka.site.views import CSRF_PLACEHOLDER
from tests import clock
from tests.media.conftest import jpeg_upload, news_data

SECTIONS = ("news", "projects", "promises", "receptions", "ideas", "primaries")


def _publish(actor, moderator, item):
    item = services.news_act(actor=actor, item=item, action="submit")
    item = services.news_act(actor=moderator, item=item, action="approve")
    return services.news_act(actor=moderator, item=item, action="publish")


def test_home_shows_the_latest_news_with_cover_lead_date_and_primary(
    client, tree, correspondent_a, press_secretary
):
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(), cover=jpeg_upload()
    )
    # A cover is published only with a statement about the people in it (issue 16, point 2).
    item = services.cover_state(actor=correspondent_a, item=item, people="none", persons=[])
    _publish(correspondent_a, press_secretary, item)
    services.news_create(actor=correspondent_a, unit=tree.primary_a, data=news_data("Черновик"))
    html = client.get(reverse("public:home")).content.decode()
    news = re.search(r'<section id="portal-news".*?</section>', html, re.S).group(0)
    assert f'href="{reverse("public:news_item", args=[item.pk])}">Талшик: субботник</a>' in news
    assert "Жители села убрали парк у школы." in news
    assert f'src="{reverse("public:news_cover", args=[item.pk, "medium"])}"' in news
    assert f'href="{reverse("public:primary", args=[tree.primary_a.pk])}"' in news
    assert f'datetime="{clock.TODAY.isoformat()}T10:0' in news  # the tests' clock
    assert "Черновик" not in html
    assert news.count("<article") == 1


def test_home_links_every_section_of_the_branch(client, tree):
    client.cookies["pervichka_language"] = "en"
    html = client.get(reverse("public:home")).content.decode()
    nav = re.search(r'<nav aria-label="[^"]*" id="portal-sections".*?</nav>', html, re.S).group(0)
    for name in SECTIONS:
        assert f'href="{reverse(f"public:{name}")}"' in nav
    assert "No news yet." in html


def test_home_is_cached_and_built_afresh_when_news_is_published_changed_or_withdrawn(
    client, tree, draft, correspondent_a, press_secretary, django_capture_on_commit_callbacks
):
    home = reverse("public:home")
    assert "Талшик: субботник" not in client.get(home).content.decode()
    # The services move the news version on after commit.
    with django_capture_on_commit_callbacks(execute=True):
        item = _publish(correspondent_a, press_secretary, draft)
    assert "Талшик: субботник" in client.get(home).content.decode()
    # A write that goes around the services is not seen: the page comes from the cache.
    NewsItem.objects.filter(pk=item.pk).update(title="Мимо сервисов")
    assert "Мимо сервисов" not in client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.news_update(
            actor=press_secretary, item=item, data=news_data(title="Исправленный заголовок")
        )
    html = client.get(home).content.decode()
    assert "Исправленный заголовок" in html
    assert "Талшик: субботник" not in html
    with django_capture_on_commit_callbacks(execute=True):
        services.news_act(actor=press_secretary, item=item, action="unpublish", note="ошибка")
    assert "Исправленный заголовок" not in client.get(home).content.decode()


def test_each_reader_gets_their_own_csrf_token_and_the_language_switch_works(
    client, django_user_model, tree, published
):
    from django.test import Client

    other = Client(enforce_csrf_checks=True)
    first = client.get(reverse("public:home"))
    second = other.get(reverse("public:home"))
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode()).group(1)
        for r in (first, second)
    ]
    assert CSRF_PLACEHOLDER not in first.content.decode() + second.content.decode()
    assert tokens[0] != tokens[1]
    assert 'name="next" type="hidden" value="/portal/"' in second.content.decode()
    switched = other.post(
        reverse("set_language"),
        {"language": "kk", "next": "/portal/", "csrfmiddlewaretoken": tokens[1]},
    )
    assert switched.status_code == 302
    html = other.get(reverse("public:home")).content.decode()
    assert 'lang="kk"' in html
    assert "Талшик: сенбілік" in html
    # The cache keeps one page per language: the Russian reader still reads Russian.
    assert "Талшик: субботник" in client.get(reverse("public:home")).content.decode()


@pytest.mark.parametrize(("language", "word"), [("en", "Latest news"), ("kk", "Соңғы жаңалықтар")])
def test_home_speaks_the_readers_language(client, tree, language, word):
    client.cookies["pervichka_language"] = language
    html = client.get(reverse("public:home")).content.decode()
    assert f'lang="{language}"' in html
    assert word in html


def test_hostile_title_is_shown_as_text(client, tree, correspondent_a, press_secretary):
    item = services.news_create(
        actor=correspondent_a,
        unit=tree.primary_a,
        data=news_data(title="<script>alert(1)</script>", lead='"><img src=x onerror=alert(1)>'),
    )
    _publish(correspondent_a, press_secretary, item)
    html = client.get(reverse("public:home")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
