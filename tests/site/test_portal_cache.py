"""The portal's home served to anonymous readers from the cache before most of the middleware
(site.portalcache): the same page and headers as through the whole stack, no session, the
reader's own CSRF token, one page per language, and whoever has a session or a flash message
goes through the whole stack to the view."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from pervichka.site import portalcache

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PER_REQUEST = {"X-Request-ID", "Set-Cookie"}


def _headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


@pytest.mark.django_db
def test_anonymous_reader_gets_the_cached_page_with_the_full_stacks_headers(tree, published):
    home = reverse("public:home")
    first = Client().get(home)  # built by the view, through the whole stack
    assert portalcache.cached_page("ru") is not None
    early = Client().get(home)  # from the cache, before the session middleware
    assert early.status_code == 200
    assert _headers(early) == _headers(first)
    assert early["Vary"] == "Cookie, Accept-Language"
    assert early["Content-Language"] == "ru"
    assert early["X-Frame-Options"] == "DENY"
    assert early["Content-Security-Policy"]
    assert "sessionid" not in early.cookies
    assert "csrftoken" in early.cookies
    assert portalcache.CSRF_PLACEHOLDER not in early.content.decode()
    assert TOKEN.search(early.content.decode()).group(1) != TOKEN.search(
        first.content.decode()
    ).group(1)
    # Apart from the token, the same page.
    assert TOKEN.sub("", early.content.decode()) == TOKEN.sub("", first.content.decode())


@pytest.mark.django_db
def test_the_readers_csrf_cookie_is_kept_and_their_token_accepted(tree, published):
    reader = Client(enforce_csrf_checks=True)
    reader.get(reverse("public:home"))
    cookie = reader.cookies["csrftoken"].value
    page = reader.get(reverse("public:home")).content.decode()
    assert reader.cookies["csrftoken"].value == cookie
    switched = reader.post(
        reverse("set_language"),
        {"language": "en", "next": "/portal/", "csrfmiddlewaretoken": TOKEN.search(page).group(1)},
    )
    assert switched.status_code == 302
    html = reader.get(reverse("public:home")).content.decode()
    assert 'lang="en"' in html
    assert "Latest news" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "language"), [("kk", "kk"), ("en-GB,en;q=0.8", "en")])
def test_the_language_of_the_browser_chooses_the_page(tree, published, header, language):
    home = reverse("public:home")
    Client().get(home, HTTP_ACCEPT_LANGUAGE=header)
    response = Client().get(home, HTTP_ACCEPT_LANGUAGE=header)
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.django_db
def test_a_flash_message_is_shown_not_the_cached_page(tree, published):
    home = reverse("public:home")
    Client().get(home)  # the cache is warm
    storage = CookieStorage(HttpRequest())
    reader = Client()
    reader.cookies["messages"] = storage._encode(
        [Message(messages.SUCCESS, "Ваше обращение принято")]
    )
    html = reader.get(home).content.decode()
    assert "Ваше обращение принято" in html
    assert "Ваше обращение принято" not in Client().get(home).content.decode()


@pytest.mark.django_db
def test_a_forged_host_is_refused_on_the_cached_path_too(tree, published):
    home = reverse("public:home")
    Client().get(home)
    assert Client().get(home, HTTP_HOST="evil.example").status_code == 400
