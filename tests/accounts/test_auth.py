import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from pervichka.accounts.models import ApiToken
from pervichka.accounts.services import api_token_authenticate, api_token_create
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def test_login_with_the_right_password(tree, client, chair_a):
    response = client.post(reverse("accounts:login"), {"username": "chair_a", "password": PASSWORD})
    assert response.status_code == 302
    # The start page is a cached page with the user's own parts filled in (no per-request
    # template context): the request's user is the one logged in.
    assert client.get(reverse("site:home")).wsgi_request.user == chair_a


def test_login_with_a_wrong_password_says_so(tree, client, chair_a):
    response = client.post(
        reverse("accounts:login"),
        {"username": "chair_a", "password": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_repeated_failures_lock_the_account_out(tree, client, chair_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "chair_a", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(reverse("accounts:login"), {"username": "chair_a", "password": PASSWORD})
    assert response.status_code == 429
    assert 'id="locked-out"' in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user(tree, client, chair_a, chair_b, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "chair_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "chair_b", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_ends_the_session(tree, login, chair_a):
    client = login(chair_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("site:home")).status_code == 302


def test_password_change(tree, login, chair_a):
    client = login(chair_a)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Talshik-2026-steppe",
            "new_password2": "Talshik-2026-steppe",
        },
    )
    assert response.status_code == 302
    chair_a.refresh_from_db()
    assert chair_a.check_password("Talshik-2026-steppe")


def test_password_change_refuses_a_weak_password_in_russian(tree, login, chair_a):
    client = login(chair_a)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "123",
            "new_password2": "123",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "Введённый пароль слишком короткий" in response.text


def test_passwords_are_hashed_with_argon2(settings):
    from config import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password("Talshik-2026-steppe")
    assert encoded.startswith("argon2$")
    assert check_password("Talshik-2026-steppe", encoded)


def test_api_token_is_shown_once_and_stored_hashed(tree, chair_a):
    token, raw = api_token_create(actor=chair_a, name="report script")
    assert raw.startswith("pvk_")
    assert raw not in {token.key_hash, token.hint}
    assert api_token_authenticate(raw) == chair_a
    assert api_token_authenticate(raw + "x") is None


def test_revoked_token_and_inactive_user_do_not_authenticate(tree, login, chair_a):
    token, raw = api_token_create(actor=chair_a, name="old")
    client = login(chair_a)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert api_token_authenticate(raw) is None
    _token, raw2 = api_token_create(actor=chair_a, name="new")
    chair_a.is_active = False
    chair_a.save()
    assert api_token_authenticate(raw2) is None


def test_tokens_page_creates_a_token(tree, login, chair_a):
    response = login(chair_a).post(reverse("accounts:tokens"), {"name": "monthly report"})
    assert response.context["new_key"].startswith("pvk_")
    assert ApiToken.objects.get(user=chair_a).name == "monthly report"


def test_someone_elses_token_cannot_be_revoked(tree, login, chair_a, chair_b):
    token, raw = api_token_create(actor=chair_a, name="mine")
    assert login(chair_b).post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert api_token_authenticate(raw) == chair_a


@pytest.mark.django_db
def test_user_without_roles_sees_a_hint(client):
    user = UserFactory()
    client.force_login(user)
    assert "no roles yet" in client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").text
