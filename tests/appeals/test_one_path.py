"""The web form and the public API are one use case: for the same input they give the same
answer, because both run `services.appeal_submit_public` (and `appeal_track`, `appeal_act`)."""

import base64
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pervichka.appeals.models import Appeal
from pervichka.people.models import Person

from .test_public import api_payload, form_data

API = "/api/v1/public/appeals"
PHOTO = b"\xff\xd8\xff\xe0" + b"0" * 100


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def web(client, tree, files=(), **overrides):
    data = form_data(tree, **overrides)
    if files:
        data["photos"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(reverse("public:submit"), data, HTTP_ACCEPT_LANGUAGE="en")


def api(client, tree, key=None, files=(), **overrides):
    payload = api_payload(tree, **overrides)
    payload["photos"] = [
        {"name": name, "content_base64": base64.b64encode(content).decode()}
        for name, content in files
    ]
    return client.post(
        API,
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_filled_honeypot_stores_nothing_on_the_web_and_in_the_api(tree, client, categories):
    assert web(client, tree, website="http://spam").status_code == 200
    assert api(client, tree, website="http://spam").status_code == 202
    assert not Appeal.objects.exists()
    assert not Person.objects.exists()


def test_a_file_of_a_forbidden_type_is_refused_alike(tree, client, categories):
    files = [("run.exe", b"MZ\x90\x00")]
    page = web(client, tree, files=files)
    answer = api(client, tree, files=files)
    assert page.status_code == 200
    assert page.context["form"].errors["photos"] == ["Up to 3 files: JPG, PNG or PDF."]
    assert answer.status_code == 422
    assert answer.json()["errors"]["photos"] == ["Up to 3 files: JPG, PNG or PDF."]
    assert not Appeal.objects.exists()


def test_a_photo_that_is_not_one_is_refused_alike(tree, client, categories):
    files = [("road.jpg", b"MZ\x90\x00 not an image")]
    page = web(client, tree, files=files)
    answer = api(client, tree, files=files)
    message = "road.jpg is not really a JPG file."
    assert message in page.context["form"].non_field_errors()
    assert answer.json()["errors"]["non_field"] == [message]
    assert not Appeal.objects.exists()


def test_a_photo_goes_with_the_appeal_from_the_api_as_from_the_web(tree, client, categories):
    assert web(client, tree, files=[("road.jpg", PHOTO)]).status_code == 302
    assert api(client, tree, files=[("road.jpg", PHOTO)]).status_code == 201
    assert [a.attachments.count() for a in Appeal.objects.all()] == [1, 1]


def test_the_hourly_limit_from_the_settings_holds_for_both(tree, client, categories, settings):
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 2
    assert web(client, tree).status_code == 302
    assert api(client, tree).status_code == 201
    # The third valid submission from this address, by either door, is refused alike.
    page = web(client, tree)
    answer = api(client, tree)
    message = (
        "Too many appeals from this connection in the last hour. "
        "Please try again later or call the reception office."
    )
    assert page.status_code == answer.status_code == 429
    assert message in page.content.decode()
    assert answer.json()["message"] == message
    assert Appeal.objects.count() == 2


def test_a_key_used_before_returns_the_first_appeal_on_both(tree, client, categories):
    """The same content under a used key is the first appeal on both; different content
    under it is refused with 409 on both (issue 13, point 7: never another's appeal)."""
    key = uuid.uuid4().hex
    same = {"text": "На улице Абая нет освещения.", "phone": "+77051234567"}
    first = web(client, tree, idempotency_key=key)
    appeal = Appeal.objects.get()
    track = reverse("public:track_code", args=[appeal.tracking_code])
    # The web form lands on the tracking page with the "keep this number" note (?sent=1).
    assert first["Location"] == track + "?sent=1"
    again = api(client, tree, key=key, **same)
    assert again.status_code == 200
    assert again.json()["tracking_code"] == appeal.tracking_code
    assert again.json()["tracking_url"].endswith(track)
    assert web(client, tree, idempotency_key=key)["Location"] == first["Location"]
    assert api(client, tree, key=key, text="Другой текст").status_code == 409
    assert web(client, tree, idempotency_key=key, text="Другой текст").status_code == 409
    assert Appeal.objects.count() == 1


def test_tracking_is_limited_by_the_same_setting_on_both(tree, client, categories, settings):
    settings.PERVICHKA_TRACK_RATE_PER_HOUR = 2
    assert web(client, tree).status_code == 302
    code = Appeal.objects.get().tracking_code
    assert client.get(reverse("public:track"), {"code": code}).status_code == 302
    assert client.get(f"{API}/{code}").status_code == 200
    page = client.get(reverse("public:track"), {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    answer = client.get(f"{API}/{code}", HTTP_ACCEPT_LANGUAGE="en")
    message = "Too many attempts. Please try again in an hour."
    assert page.status_code == 200
    assert message in page.content.decode()
    assert answer.status_code == 429
    assert answer.json()["message"] == message


def test_a_transition_gives_the_same_answer_on_the_card_and_in_the_api(
    tree, login, operator, appeal_a
):
    client = login(operator)
    page = client.post(
        reverse("appeals:act", args=[appeal_a.pk, "extend"]),
        {"extend-until": "2026-12-12", "extend-reason": "Ждём экспертизу"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    answer = client.post(
        f"/api/v1/appeals/{appeal_a.pk}/transitions",
        {"action": "extend", "until": "2026-12-12", "reason": "Ждём экспертизу"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    message = (
        "12.12.2026 is a day off: the deadline must be a working day. The nearest earlier "
        "working day is 11.12.2026."
    )
    assert page.context["forms"]["extend"].errors["until"] == [message]
    assert answer.status_code == 422
    assert answer.json()["errors"]["until"] == [message]
    # Without a date: the form's field is required, and so is the API's.
    page = client.post(
        reverse("appeals:act", args=[appeal_a.pk, "extend"]),
        {"extend-reason": "Ждём"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    answer = client.post(
        f"/api/v1/appeals/{appeal_a.pk}/transitions",
        {"action": "extend", "reason": "Ждём"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.context["forms"]["extend"].errors["until"] == ["This field is required."]
    assert answer.json()["errors"]["until"] == ["This field is required."]
    appeal_a.refresh_from_db()
    assert appeal_a.extended_until is None


def test_an_unknown_step_is_not_found_on_the_card(tree, login, operator, appeal_a):
    client = login(operator)
    assert client.post(reverse("appeals:act", args=[appeal_a.pk, "register"])).status_code == 404
    assert client.post(reverse("appeals:act", args=[appeal_a.pk, "erase"])).status_code == 404
