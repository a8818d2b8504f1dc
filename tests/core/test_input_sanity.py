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


# --- Dates within sensible ranges per field, amounts read one way (forms and API) --------


def api_post(client, url, body, language="en"):
    return client.post(
        url, data=json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.mark.parametrize(
    ("url", "body", "field", "message"),
    [
        (
            "/api/v1/memberships",
            {"joined": "0001-01-01", "person": {"surname": "X", "name": "Y"}},
            "joined",
            "The party was founded on 01.03.1999: a membership cannot begin or end earlier.",
        ),
        (
            "/api/v1/memberships",
            {"joined": "2027-01-01", "person": {"surname": "X", "name": "Y"}},
            "joined",
            "This date cannot be in the future.",
        ),
        (
            "/api/v1/youth/people",
            {"surname": "X", "name": "Y", "birth_date": "9999-01-01"},
            "birth_date",
            "A date of birth cannot be in the future.",
        ),
        (
            "/api/v1/youth/people",
            {"surname": "X", "name": "Y", "birth_date": "1812-01-01"},
            "birth_date",
            "Enter a date from 01.01.1900 to 07.12.2026.",
        ),
        (
            "/api/v1/projects/events",
            {"project": "socium", "title": "X", "date": "2099-01-01"},
            "date",
            "Enter a date from 07.12.2021 to 07.12.2028.",
        ),
        (
            "/api/v1/dues/spending",
            {"amount": "NaN", "purpose": "x"},
            "amount",
            "The amount is not a number.",
        ),
        (
            "/api/v1/dues/spending",
            {"amount": "1e30", "purpose": "x"},
            "amount",
            "Write the amount in digits, without an exponent (1e30).",
        ),
        (
            "/api/v1/dues/spending",
            {"amount": "10.005", "purpose": "x"},
            "amount",
            "The amount has more than two decimal places (tiyn).",
        ),
    ],
)
def test_the_api_refuses_dates_and_amounts_out_of_range_with_a_clear_message(
    client, tree, district_admin, url, body, field, message
):
    client.force_login(district_admin)
    response = api_post(client, url, {"primary_id": tree.primary_a.pk, **body})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == [message]


def test_the_refusal_is_in_the_callers_language(client, tree, district_admin):
    client.force_login(district_admin)
    body = {
        "primary_id": tree.primary_a.pk,
        "surname": "X",
        "name": "Y",
        "birth_date": "9999-01-01",
    }
    ru = api_post(client, "/api/v1/youth/people", body, language="ru").json()
    kk = api_post(client, "/api/v1/youth/people", body, language="kk").json()
    assert ru["errors"]["birth_date"] == ["Дата рождения не может быть в будущем."]
    assert kk["errors"]["birth_date"] == ["Туған күні болашақта бола алмайды."]


def test_forms_refuse_a_membership_before_the_party_and_read_amounts_like_the_api(
    login, tree, chair_a
):
    client = login(chair_a)
    page = client.post(
        "/members/add/",
        {"primary": tree.primary_a.pk, "surname": "X", "name": "Y", "joined": "01.01.0001"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "The party was founded on 01.03.1999" in page
    for amount, message in (
        ("NaN", "The amount is not a number."),
        ("Infinity", "The amount is not a number."),
        ("1e30", "without an exponent"),
        ("10,005", "more than two decimal places"),
    ):
        page = client.post(
            "/dues/spending/new/",
            {"primary": tree.primary_a.pk, "amount": amount, "purpose": "x"},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        assert message in page, amount
