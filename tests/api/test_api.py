import pytest
import requests

from pervichka.people.enums import MembershipStatus
from pervichka.people.models import Membership, Person

VALID_IIN = "900101300126"


def new_member(tree, **person):
    values = {
        "iin": VALID_IIN,
        "surname": "Сейткали",
        "name": "Арман",
        "phone": "+77012345678",
        "consent_method": "paper",
    }
    values.update(person)
    return {"primary_id": tree.primary_a.pk, "joined": "2025-03-01", "person": values}


def test_openapi_document_is_served(live_server, transactional_db):
    response = requests.get(live_server.url + "/api/v1/openapi.json", timeout=10)
    spec = response.json()
    assert response.status_code == 200
    assert {"/api/v1/org-units", "/api/v1/persons", "/api/v1/memberships"} <= set(spec["paths"])


def test_without_credentials_the_answer_is_401_json(api_as, tree):
    response = api_as(None, language="en").get("/memberships")
    assert response.status_code == 401
    assert response.json()["message"].startswith("Authentication required")


def test_token_lists_only_the_callers_members(api_as, tree, chair_a, member_a, member_b):
    body = api_as(chair_a).get("/memberships").json()
    assert body["count"] == 1
    assert body["items"][0]["person_name"] == member_a.person.full_name
    assert body["items"][0]["primary_id"] == tree.primary_a.pk


def test_org_unit_tree_is_scoped_and_nested(api_as, tree, district_admin):
    roots = api_as(district_admin).get("/org-units/tree").json()
    assert [r["name"] for r in roots] == ["Акжарский район"]
    assert sorted(c["name"] for c in roots[0]["children"]) == ["ППО Айсары", "ППО Талшик"]
    assert roots[0]["parent_id"] == tree.region.pk


def test_outsider_gets_404_on_read_and_write(api_as, tree, chair_b, member_a):
    api = api_as(chair_b)
    assert api.get(f"/memberships/{member_a.pk}").status_code == 404
    assert api.get(f"/persons/{member_a.person_id}").status_code == 404
    patch = api.patch(f"/persons/{member_a.person_id}", json={"surname": "Взлом"})
    assert patch.status_code == 404
    assert patch.json() == {"message": "Не найдено.", "errors": {}}
    archive = api.post(
        f"/memberships/{member_a.pk}/archive", json={"left": "2025-01-01", "reason": "moved"}
    )
    assert archive.status_code == 404
    assert api.get(f"/org-units/{tree.primary_a.pk}").status_code == 404
    member_a.refresh_from_db()
    assert member_a.person.surname == "Ахметова"
    assert member_a.status == MembershipStatus.ACTIVE


def test_create_member_over_the_api(api_as, tree, chair_a):
    response = api_as(chair_a).post("/memberships", json=new_member(tree))
    assert response.status_code == 201
    body = response.json()
    membership = Membership.objects.get(pk=body["id"])
    assert membership.person.birth_date.isoformat() == "1990-01-01"
    assert body["person_name"] == "Сейткали Арман"
    assert body["status"] == "active"


def test_invalid_iin_gives_a_json_error_in_the_callers_language(api_as, tree, chair_a):
    ru = api_as(chair_a, language="ru").post(
        "/memberships", json=new_member(tree, iin="900101300127")
    )
    assert ru.status_code == 422
    assert ru.json()["errors"]["iin"] == [
        "Неверная контрольная цифра ИИН: проверьте номер на опечатки."
    ]
    en = api_as(chair_a, language="en").post(
        "/memberships", json=new_member(tree, iin="900101300127")
    )
    assert en.json()["message"] == (
        "The IIN check digit is wrong: please check the number for a typo."
    )
    assert not Person.objects.exists()


def test_schema_errors_name_the_field(api_as, tree, chair_a):
    payload = new_member(tree)
    del payload["person"]["surname"]
    response = api_as(chair_a, language="en").post("/memberships", json=payload)
    assert response.status_code == 422
    assert response.json()["errors"] == {"surname": ["This field is required."]}


def test_member_in_another_primary_cannot_be_created(api_as, tree, chair_a):
    payload = new_member(tree)
    payload["primary_id"] = tree.primary_b.pk
    assert api_as(chair_a).post("/memberships", json=payload).status_code == 404
    assert not Person.objects.exists()


def test_update_and_archive_membership(api_as, tree, chair_a, member_a):
    api = api_as(chair_a)
    patched = api.patch(f"/memberships/{member_a.pk}", json={"card_number": "N-5"})
    assert patched.json()["card_number"] == "N-5"
    archived = api.post(
        f"/memberships/{member_a.pk}/archive", json={"left": "2025-06-01", "reason": "moved"}
    ).json()
    assert (archived["status"], archived["left"]) == ("archived", "2025-06-01")


def test_person_iin_is_masked_without_the_right_to_personal_data(api_as, tree, auditor, member_a):
    body = api_as(auditor).get(f"/persons/{member_a.person_id}").json()
    assert body["iin"] == "••••••••" + member_a.person.iin[-4:]
    assert body["phone"] == ""
    assert body["personal_data_visible"] is False


def test_admin_creates_a_primary_and_a_chair_cannot(api_as, tree, district_admin, chair_a):
    created = api_as(district_admin).post(
        "/org-units", json={"parent_id": tree.district.pk, "name": "ППО Новое", "kato": "593201100"}
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "primary"
    assert created.json()["parent_id"] == tree.district.pk
    refused = api_as(chair_a).post(
        "/org-units", json={"parent_id": tree.district.pk, "name": "ППО Чужое"}
    )
    assert refused.status_code == 404


def test_session_auth_needs_the_csrf_token_for_writes(live_server, tree, chair_a):
    session = requests.Session()
    login_page = session.get(live_server.url + "/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    session.post(
        live_server.url + "/accounts/login/",
        timeout=10,
        data={
            "username": "chair_a",
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": live_server.url + "/accounts/login/"},
    )
    listed = session.get(live_server.url + "/api/v1/memberships", timeout=10)
    assert listed.status_code == 200
    without = session.post(
        live_server.url + "/api/v1/memberships", json=new_member(tree), timeout=10
    )
    assert without.status_code == 403
    with_token = session.post(
        live_server.url + "/api/v1/memberships",
        json=new_member(tree),
        timeout=10,
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": live_server.url + "/"},
    )
    assert with_token.status_code == 201


def test_persons_search_and_pagination(api_as, tree, district_admin, member_a, member_b):
    api = api_as(district_admin)
    found = api.get("/persons", params={"q": "ахмет"}).json()
    assert [p["surname"] for p in found["items"]] == ["Ахметова"]
    page = api.get("/persons", params={"limit": 1, "offset": 1}).json()
    assert page["count"] == 2
    assert len(page["items"]) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Введите значение, большее или равное 1."),
        ("kk", "1 мәнінен үлкен немесе оған тең мән енгізіңіз."),
    ],
)
def test_a_range_error_is_in_the_callers_language(api_as, tree, district_admin, language, expected):
    response = api_as(district_admin, language=language).get("/persons", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["errors"] == {"limit": [expected]}


def test_schema_errors_of_every_kind_are_translated(api_as, tree):
    payload = {
        "settlement_id": "один",
        "category": "roads",
        "text": "x" * 5001,
        "surname": "",
        "name": "Олег",
        "phone": "+77011112233",
        "consent": "может быть",
        "language": "de",
    }
    ru = api_as(language="ru").post(
        "/public/appeals", json=payload, headers={"Idempotency-Key": "k" * 16}
    )
    assert ru.status_code == 422
    assert ru.json()["errors"] == {
        "settlement_id": ["Введите целое число."],
        "text": ["Введите не более 5000 символов."],
        "surname": ["Введите не менее 1 символа."],
        "consent": ["Укажите true или false."],
        "language": ["Выберите одно из значений: ru, kk, en."],
    }
    kk = api_as(language="kk").post(
        "/public/appeals", json=payload, headers={"Idempotency-Key": "k" * 16}
    )
    assert kk.json()["errors"] == {
        "settlement_id": ["Бүтін сан енгізіңіз."],
        "text": ["Ең көбі 5000 таңба енгізіңіз."],
        "surname": ["Кемінде 1 таңба енгізіңіз."],
        "consent": ["true немесе false мәнін көрсетіңіз."],
        "language": ["Мына мәндердің бірін таңдаңыз: ru, kk, en."],
    }


def test_query_errors_name_the_allowed_values_in_the_callers_language(api_as, tree, district_admin):
    response = api_as(district_admin, language="ru").get(
        "/appeals", params={"received_from": "вчера", "status": "lost", "limit": 501}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "received_from": ["Введите дату в формате ГГГГ-ММ-ДД."],
        "status": [
            "Выберите одно из значений: registered, assigned, in_progress, answered, closed, "
            "redirected, returned, reopened."
        ],
        "limit": ["Введите значение, меньшее или равное 500."],
    }


def test_an_unknown_kind_of_schema_error_gets_a_translated_fallback():
    from django.utils import translation

    from pervichka.core.api import validation_message

    error = {"type": "some_future_pydantic_error", "msg": "Input is wrong in English"}
    with translation.override("ru"):
        assert validation_message(error) == "Недопустимое значение."
    with translation.override("kk"):
        assert validation_message(error) == "Жарамсыз мән."
