"""An idempotency key reused with different content answers 409 and never the first
submission (another citizen's appeal or idea, another primary's payment): issue 13, 7."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from pervichka.appeals.models import Appeal
from pervichka.dues.models import Payment
from pervichka.ideas.models import Idea
from tests.appeals.test_public import api_payload
from tests.dues.conftest import payer, rates  # noqa: F401
from tests.ideas.test_views_and_api import idea_form
from tests.projects.conftest import contest, projects  # noqa: F401

pytestmark = [pytest.mark.hostile, pytest.mark.django_db]


def post_json(client, url, body, key, language="en"):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_an_appeal_key_reused_with_other_content_is_409_in_the_api(client, tree, categories):
    key = "victim-key-0001"
    first = post_json(client, "/api/v1/public/appeals", api_payload(tree), key)
    assert first.status_code == 201
    retry = post_json(client, "/api/v1/public/appeals", api_payload(tree), key)
    assert retry.status_code == 200
    assert retry.json()["tracking_code"] == first.json()["tracking_code"]
    other = api_payload(tree, text="Хочу узнать чужой код", surname="Взломов", phone="+77019998877")
    stolen = post_json(client, "/api/v1/public/appeals", other, key, language="ru")
    assert stolen.status_code == 409
    assert first.json()["tracking_code"] not in stolen.content.decode()
    assert "ключ" in stolen.json()["message"]
    assert Appeal.objects.count() == 1


def test_an_appeal_key_reused_on_the_form_is_refused_without_the_first_appeal(
    client, tree, categories
):
    key = "victim-key-0002"
    first = post_json(client, "/api/v1/public/appeals", api_payload(tree), key)
    code = first.json()["tracking_code"]
    form = {
        "settlement": tree.village.pk,
        "category": "utilities",
        "text": "Совсем другое обращение",
        "surname": "Взломов",
        "name": "Пётр",
        "phone": "+77019998877",
        "consent": "on",
        "idempotency_key": key,
    }
    response = client.post(reverse("public:submit"), form, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 409
    page = response.content.decode()
    assert code not in page
    assert key not in page  # a new key is handed out, so sending again makes this appeal
    assert Appeal.objects.count() == 1


def test_an_idea_key_reused_with_other_content_is_409(client, tree, contest):  # noqa: F811
    key = "idea-key-00001"
    body = {
        "settlement_id": tree.village.pk,
        "title": "Каток во дворе школы",
        "text": "Заливать каток во дворе школы зимой силами родителей и старшеклассников.",
        "surname": "Апиев",
        "name": "Ерлан",
        "phone": "+77015556677",
        "consent": True,
    }
    assert post_json(client, "/api/v1/public/ideas", body, key).status_code == 201
    assert post_json(client, "/api/v1/public/ideas", body, key).status_code == 200
    other = {**body, "title": "Совсем другая идея"}
    assert post_json(client, "/api/v1/public/ideas", other, key).status_code == 409
    form = client.post("/ideas/new/", idea_form(tree, key=key, title="Другая идея для двора"))
    assert form.status_code == 409
    assert Idea.objects.get().code not in form.content.decode()
    assert Idea.objects.count() == 1


def test_a_payment_key_reused_by_another_primary_is_409_not_their_payment(
    client,
    tree,
    payer,  # noqa: F811
    chair_a,
    chair_b,
):
    from tests.factories import MembershipFactory

    mine = MembershipFactory(primary=tree.primary_b, joined=dt.date(2026, 1, 10))
    body = {
        "membership_id": payer.pk,
        "months": ["2026-03-01"],
        "method": "cash",
        "paid_on": "2026-03-02",
        "receipt_number": "КВ-1",
    }
    client.force_login(chair_a)
    first = post_json(client, "/api/v1/dues/payments", body, "pay-key-0001")
    assert first.status_code == 201
    assert post_json(client, "/api/v1/dues/payments", body, "pay-key-0001").status_code == 200
    changed = {**body, "months": ["2026-04-01"]}
    assert post_json(client, "/api/v1/dues/payments", changed, "pay-key-0001").status_code == 409
    client.force_login(chair_b)
    theirs = {**body, "membership_id": mine.pk}
    response = post_json(client, "/api/v1/dues/payments", theirs, "pay-key-0001")
    assert response.status_code == 409
    assert str(first.json()["id"]) not in json.dumps(response.json())
    assert Payment.objects.count() == 1
