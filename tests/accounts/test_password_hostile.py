"""A password change is rate-limited and revokes the user's API tokens (issue 13, point 7)."""

import pytest

from pervichka.accounts.models import ApiToken
from pervichka.accounts.services import api_token_authenticate, api_token_create

pytestmark = [pytest.mark.hostile, pytest.mark.django_db]


def test_a_password_change_revokes_the_api_tokens_and_says_so(login, chair_a):
    chair_a.set_password("old-Secret-123")
    chair_a.save()
    _token, raw = api_token_create(actor=chair_a, name="script")
    assert api_token_authenticate(raw) == chair_a
    client = login(chair_a)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "old-Secret-123",
            "new_password1": "new-Secret-456-long",
            "new_password2": "new-Secret-456-long",
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    page = response.content.decode()
    assert "1 API token was revoked with the old password" in page
    assert api_token_authenticate(raw) is None
    assert ApiToken.objects.get().revoked_at is not None


def test_a_password_set_elsewhere_revokes_the_tokens_too(chair_a):
    _token, raw = api_token_create(actor=chair_a, name="script")
    chair_a.set_password("changed-in-the-admin-1")
    chair_a.save()
    assert api_token_authenticate(raw) is None


def test_saving_a_user_without_a_new_password_keeps_the_tokens(chair_a):
    _token, raw = api_token_create(actor=chair_a, name="script")
    chair_a.first_name = "Айгерим"
    chair_a.save()
    assert api_token_authenticate(raw) == chair_a


def test_wrong_old_passwords_are_rate_limited(login, chair_a):
    chair_a.set_password("old-Secret-123")
    chair_a.save()
    client = login(chair_a)
    wrong = {
        "old_password": "guess",
        "new_password1": "x-Long-1234",
        "new_password2": "x-Long-1234",
    }
    statuses = [
        client.post("/accounts/password/", wrong, HTTP_ACCEPT_LANGUAGE="en").status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    right = {**wrong, "old_password": "old-Secret-123"}
    response = client.post("/accounts/password/", right, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    chair_a.refresh_from_db()
    assert chair_a.check_password("old-Secret-123")
