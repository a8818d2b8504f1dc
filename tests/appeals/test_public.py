"""The citizen's side: the public form, the tracking page, the public API."""

import threading
import uuid

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pervichka.appeals import services
from pervichka.appeals.models import Appeal
from pervichka.core.notify import LocmemSMSBackend
from pervichka.people.models import Person


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(tree, **overrides):
    values = {
        "surname": "Жумабаева",
        "name": "Динара",
        "patronymic": "",
        "iin": "",
        "phone": "+7 705 123 45 67",
        "email": "",
        "settlement": tree.village.pk,
        "address": "",
        "category": "roads",
        "text": "На улице Абая нет освещения.",
        "consent": "on",
        "website": "",
        "idempotency_key": uuid.uuid4().hex,
    }
    values.update(overrides)
    return values


def test_public_form_registers_and_shows_the_code(tree, client, categories):
    response = client.post(reverse("public:submit"), form_data(tree), follow=True)
    appeal = Appeal.objects.get()
    assert response.redirect_chain[-1][0] == (
        reverse("public:track_code", args=[appeal.tracking_code]) + "?sent=1"
    )
    page = response.content.decode()
    assert appeal.number in page
    assert appeal.tracking_code_display in page
    assert appeal.channel == "web"
    assert appeal.category.code == "roads"
    assert appeal.contact_phone == "+77051234567"
    assert appeal.person.consent_method == "electronic"


def test_the_same_key_twice_makes_one_appeal(tree, client, categories):
    data = form_data(tree)
    first = client.post(reverse("public:submit"), data)
    second = client.post(reverse("public:submit"), data)
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_form_without_consent_is_refused_in_kazakh(tree, client, categories):
    client.cookies["pervichka_language"] = "kk"
    response = client.post(reverse("public:submit"), form_data(tree, consent=""))
    assert response.status_code == 200
    assert "келісім" in response.content.decode().lower()
    assert not Appeal.objects.exists()


def test_a_bot_filling_the_honeypot_makes_nothing(tree, client, categories):
    response = client.post(reverse("public:submit"), form_data(tree, website="http://spam"))
    assert response.status_code == 200
    assert not Appeal.objects.exists()
    assert not Person.objects.exists()


def test_the_form_is_rate_limited_per_address(tree, client, categories, settings):
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("public:submit"), form_data(tree)).status_code == 302
    refused = client.post(reverse("public:submit"), form_data(tree))
    assert refused.status_code == 429
    assert Appeal.objects.count() == 2
    other = client.post(reverse("public:submit"), form_data(tree), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_mistakes_do_not_use_up_the_hourly_limit(tree, client, categories, settings):
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 2
    for _ in range(3):
        mistake = client.post(reverse("public:submit"), form_data(tree, consent=""))
        assert mistake.status_code == 200
    for _ in range(2):
        assert client.post(reverse("public:submit"), form_data(tree)).status_code == 302
    refused = client.post(reverse("public:submit"), form_data(tree), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "Too many appeals from this connection" in refused.content.decode()
    # The refused valid submission made nothing: no appeal, no number taken.
    year = timezone.localdate().year
    assert sorted(Appeal.objects.values_list("number", flat=True)) == [
        f"AKZ-{year}-000001",
        f"AKZ-{year}-000002",
    ]


def test_every_attempt_counts_against_a_five_times_higher_cap(tree, client, categories, settings):
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 2
    for _ in range(10):
        assert client.post(reverse("public:submit"), form_data(tree, consent="")).status_code == 200
    hammered = client.post(reverse("public:submit"), form_data(tree), HTTP_ACCEPT_LANGUAGE="en")
    assert hammered.status_code == 429
    assert "Too many attempts." in hammered.content.decode()
    assert not Appeal.objects.exists()


def test_an_anonymous_form_never_changes_a_registered_person(tree, client, categories, member_a):
    person = member_a.person
    client.post(
        reverse("public:submit"),
        form_data(tree, iin=person.iin, surname="Подмена", phone="+7 777 000 11 22"),
    )
    person.refresh_from_db()
    assert person.surname == "Ахметова"
    appeal = Appeal.objects.get()
    assert appeal.person == person
    assert appeal.contact_phone == "+77770001122"


def test_tracking_page_shows_status_and_published_answer_but_no_personal_data(
    tree, client, appeal_a, chair_a
):
    url = reverse("public:track_code", args=[appeal_a.tracking_code])
    page = client.get(url).content.decode()
    assert appeal_a.number in page
    for secret in (
        "Ахметова",
        "Айгерим",
        "850715400004",
        "+77012345678",
        "7012345678",
        "Просим отремонтировать дорогу",
    ):
        assert secret not in page
    services.appeal_answer(
        actor=chair_a, appeal=appeal_a, outcome="solved", text="Дорога отремонтирована в ноябре."
    )
    assert "Дорога отремонтирована в ноябре." in client.get(url).content.decode()


def test_an_unpublished_answer_stays_hidden(
    tree, client, appeal_a, chair_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_answer(
            actor=chair_a,
            appeal=appeal_a,
            outcome="solved",
            publish=False,
            text="Внутренний ответ с персональными данными.",
        )
    # The citizen is not sent to the tracking page to read an answer it does not show.
    sms = LocmemSMSBackend.outbox[-1][1]
    assert sms.startswith(
        f"Ответ на ваше обращение {appeal_a.number} направлен вам письмом или вручён лично."
    )
    url = reverse("public:track_code", args=[appeal_a.tracking_code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Внутренний ответ" not in page
    assert "Did the answer help you?" not in page
    assert reverse("public:track_rate", args=[appeal_a.tracking_code]) not in page
    assert "The answer was sent to you by letter or given to you in person." in page


def test_a_published_answer_asks_whether_it_helped(
    tree, client, appeal_a, chair_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_answer(actor=chair_a, appeal=appeal_a, outcome="solved", text="Готово.")
    sms = LocmemSMSBackend.outbox[-1][1]
    assert sms.startswith(f"На ваше обращение {appeal_a.number} дан ответ.")
    url = reverse("public:track_code", args=[appeal_a.tracking_code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Did the answer help you?" in page
    assert "The answer was sent to you by letter" not in page


def test_track_by_code_tolerates_dashes_and_lower_case(tree, client, appeal_a):
    typed = appeal_a.tracking_code_display.lower()
    response = client.get(reverse("public:track"), {"code": typed})
    assert response["Location"] == reverse("public:track_code", args=[appeal_a.tracking_code])
    wrong = client.get(reverse("public:track"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert wrong.status_code == 200
    assert "code" in wrong.context["form"].errors


def test_citizen_rates_and_reopens_on_the_tracking_page(tree, client, appeal_a, chair_a):
    services.appeal_answer(actor=chair_a, appeal=appeal_a, outcome="explained", text="Ответ.")
    client.post(
        reverse("public:track_rate", args=[appeal_a.tracking_code]),
        {"satisfaction": "not_satisfied"},
    )
    client.post(
        reverse("public:track_reopen", args=[appeal_a.tracking_code]),
        {"reason": "Ничего не изменилось"},
    )
    appeal_a.refresh_from_db()
    assert appeal_a.satisfaction == "not_satisfied"
    assert appeal_a.status == "reopened"


def test_public_calendar_lists_upcoming_public_receptions(tree, client):
    import datetime as dt

    from django.utils import timezone

    from pervichka.appeals.models import FieldReception

    FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Клуб",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Скрытый",
        starts_at=timezone.now() + dt.timedelta(days=3),
        is_public=False,
    )
    FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Прошлый",
        starts_at=timezone.now() - dt.timedelta(days=3),
    )
    page = client.get(reverse("public:receptions")).content.decode()
    assert "Клуб" in page
    assert "Скрытый" not in page
    assert "Прошлый" not in page


# --- public API, over real HTTP --------------------------------------------------------


def api_payload(tree, **overrides):
    values = {
        "settlement_id": tree.village.pk,
        "category": "utilities",
        "text": "Нет отопления в школе",
        "surname": "Ким",
        "name": "Олег",
        "phone": "+77011112233",
        "consent": True,
        "language": "ru",
    }
    values.update(overrides)
    return values


def test_public_api_submit_is_idempotent(live_server, tree, categories):
    url = live_server.url + "/api/v1/public/appeals"
    key = uuid.uuid4().hex
    first = requests.post(url, json=api_payload(tree), headers={"Idempotency-Key": key}, timeout=10)
    retry = requests.post(url, json=api_payload(tree), headers={"Idempotency-Key": key}, timeout=10)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["tracking_code"] == retry.json()["tracking_code"]
    assert Appeal.objects.count() == 1
    tracked = requests.get(f"{url}/{first.json()['tracking_code']}", timeout=10).json()
    assert tracked["status"] == "registered"
    assert "Ким" not in str(tracked)


def test_public_api_racing_retries_make_exactly_one_appeal(live_server, tree, categories):
    url = live_server.url + "/api/v1/public/appeals"
    key = uuid.uuid4().hex
    codes, statuses = [], []

    def send():
        response = requests.post(
            url, json=api_payload(tree), headers={"Idempotency-Key": key}, timeout=30
        )
        statuses.append(response.status_code)
        if response.ok:
            codes.append(response.json()["tracking_code"])

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Appeal.objects.filter(idempotency_key=key).count() == 1
    assert len(set(codes)) == 1
    assert sorted(statuses).count(201) == 1
    assert all(s in (200, 201) for s in statuses), statuses


def test_public_api_requires_a_key_and_consent(live_server, tree, categories):
    url = live_server.url + "/api/v1/public/appeals"
    no_key = requests.post(url, json=api_payload(tree), timeout=10)
    assert no_key.status_code == 422
    refused = requests.post(
        url,
        json=api_payload(tree, consent=False),
        timeout=10,
        headers={"Idempotency-Key": uuid.uuid4().hex, "Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"]["consent"] == [
        "Without your consent we cannot register the appeal."
    ]
    assert not Appeal.objects.exists()


def test_public_api_counts_only_valid_submissions(live_server, tree, categories, settings):
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 1
    url = live_server.url + "/api/v1/public/appeals"

    def send(**overrides):
        return requests.post(
            url,
            json=api_payload(tree, **overrides),
            headers={"Idempotency-Key": uuid.uuid4().hex, "Accept-Language": "en"},
            timeout=10,
        )

    assert [send(consent=False).status_code for _ in range(3)] == [422, 422, 422]
    assert send().status_code == 201
    refused = send(text="Второе обращение о школе")
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many appeals from this connection")
    assert Appeal.objects.count() == 1
