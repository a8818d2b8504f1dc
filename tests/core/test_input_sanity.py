"""NUL and control characters are refused everywhere, unreadable JSON and CSRF failures
are answered in the caller's language (issue 13, point 6)."""

import json

import pytest
from django.test import Client

from pervichka.people.models import Person

pytestmark = [pytest.mark.hostile, pytest.mark.django_db]


@pytest.mark.parametrize("text", ["Иван\x00ов", "a\x1bb", "\x7f"])
def test_control_characters_in_a_form_are_refused(login, chair_a, text):
    response = login(chair_a).post(
        "/members/add/", {"surname": text, "name": "Айгерим"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert not Person.objects.filter(name="Айгерим").exists()


def test_control_characters_in_api_json_are_refused_in_the_callers_language(client):
    response = client.post(
        "/api/v1/public/appeals",
        data=json.dumps({"text": "вода\u0000", "surname": "X"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {}
    assert body["message"]
    assert "control" not in body["message"]  # Kazakh, not English


def test_control_characters_in_a_query_are_refused(login, chair_a):
    response = login(chair_a).get("/members/", {"q": "a\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400


def test_tabs_and_line_breaks_are_text(login, chair_a):
    response = login(chair_a).get("/members/", {"q": "a\tb\r\nc"})
    assert response.status_code == 200


def test_unreadable_json_is_answered_in_the_callers_language(client):
    for language, expected in (("en", "The request body is not valid JSON."), ("ru", None)):
        response = client.post(
            "/api/v1/public/appeals",
            data="{bad",
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400
        message = response.json()["message"]
        assert message == expected if expected else message != "Cannot parse request body"


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "The form has expired"), ("ru", "Форма устарела"), ("kk", "Форманың мерзімі өтті")],
)
def test_the_csrf_failure_page_is_in_the_site_look_and_language(language, title):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert f'id="error-title">{title}<' in page
    assert "bootstrap" in page


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Page not found"), ("ru", "Страница не найдена"), ("kk", "Бет табылмады")],
)
def test_the_404_page_is_in_the_site_look_and_language_without_a_url_list(
    client, settings, language, title
):
    settings.DEBUG = False
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'id="error-title">{title}<' in page
    assert "URLconf" not in page
    assert "appeals/" not in page


def test_the_500_and_403_pages_render_in_the_site_look(rf):
    from django.core.exceptions import PermissionDenied
    from django.utils import translation
    from django.views.defaults import permission_denied, server_error

    with translation.override("ru"):
        page = server_error(rf.get("/")).content.decode()
        assert 'id="error-title">Что-то пошло не так<' in page
        denied = permission_denied(rf.get("/"), PermissionDenied()).content.decode()
        assert 'id="error-title">Доступ запрещён<' in denied


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Page not found"), ("ru", "Страница не найдена"), ("kk", "Бет табылмады")],
)
def test_a_foreign_object_shows_the_site_404_under_either_debug(
    login, settings, tree, chair_a, debug, language, title
):
    """`make run` runs with DEBUG on: a member of another primary (the README's "try
    chair2") answers the site's 404, not Django's technical page with the URL list."""
    from tests.factories import MembershipFactory

    settings.DEBUG = debug
    foreign = MembershipFactory(primary=tree.primary_b)
    client = login(chair_a)
    for url in (f"/members/{foreign.pk}/", "/no-such-page/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 404
        page = response.content.decode()
        assert f'id="error-title">{title}<' in page
        assert "URLconf" not in page
        assert "DEBUG = True" not in page


def test_the_technical_404_stays_available_to_developers(login, settings, tree, chair_a):
    settings.DEBUG = True
    settings.PERVICHKA_TECHNICAL_ERROR_PAGES = True
    page = login(chair_a).get("/no-such-page/").content.decode()
    assert "URLconf" in page


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_shows_the_site_500_under_either_debug(settings, debug, caplog):
    """A view that crashes answers the site's 500 page in the caller's language and the
    traceback goes to the log, never to the page."""
    settings.DEBUG = debug
    settings.ROOT_URLCONF = "tests.core.crash_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/crash/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'id="error-title">' in page
    assert "Traceback" not in page
    assert "secret-local-value" not in page
    assert any("crash" in r.getMessage() for r in caplog.records)
    api = client.get("/api/crash/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 500
    assert "Traceback" not in api.content.decode()
