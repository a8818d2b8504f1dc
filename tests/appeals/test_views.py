import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from pervichka.appeals import services
from pervichka.appeals.models import Appeal
from tests.appeals.conftest import MONDAY, citizen


def intake_data(tree, categories, office, **overrides):
    values = {
        "district": tree.district.pk,
        "channel": "walk_in",
        "reception_office": office.pk,
        "field_reception": "",
        "received_at": "2026-11-02T10:00",
        "iin": "900101300126",
        "surname": "Сейткали",
        "name": "Арман",
        "patronymic": "",
        "phone": "+77012345678",
        "email": "",
        "address": "",
        "settlement": tree.village.pk,
        "category": categories["utilities"].pk,
        "text": "Нет воды третью неделю",
        "consent_method": "paper",
    }
    values.update(overrides)
    return values


def test_operator_registers_an_appeal(tree, login, operator, categories, office):
    response = login(operator).post(reverse("appeals:new"), intake_data(tree, categories, office))
    appeal = Appeal.objects.get()
    assert response["Location"] == reverse("appeals:detail", args=[appeal.pk])
    assert appeal.number == "AKZ-2026-000001"
    assert appeal.reception_office == office


def test_the_districts_own_operator_updates_the_persons_details(
    tree, login, operator, categories, office, member_a
):
    person = member_a.person
    login(operator).post(
        reverse("appeals:new"),
        intake_data(tree, categories, office, iin=person.iin, phone="+7 777 000 11 22"),
    )
    person.refresh_from_db()
    assert (person.surname, person.phone) == ("Сейткали", "+77770001122")
    assert Appeal.objects.get().person == person


def test_intake_shows_similar_appeals_and_asks_to_confirm(
    tree, login, operator, categories, office, register
):
    original = register(text="Нет воды в селе Талшик третью неделю")
    client = login(operator)
    data = intake_data(
        tree,
        categories,
        office,
        text="Третью неделю нет воды в селе Талшик",
        received_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(reverse("appeals:new"), data)
    assert response.status_code == 200
    assert original.number in response.content.decode()
    assert Appeal.objects.count() == 1
    client.post(reverse("appeals:new"), {**data, "confirm_duplicate": "on"})
    assert Appeal.objects.count() == 2


def test_intake_refuses_a_walk_in_without_office_and_a_bad_file(
    tree, login, operator, categories, office
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(operator)
    response = client.post(
        reverse("appeals:new"), intake_data(tree, categories, office, reception_office="")
    )
    assert "reception_office" in response.context["form"].errors
    bad = SimpleUploadedFile("photo.jpg", b"not a jpeg at all")
    response = client.post(
        reverse("appeals:new"), {**intake_data(tree, categories, office), "attachments": bad}
    )
    assert response.status_code == 200
    assert not Appeal.objects.exists()  # the appeal and its files are one transaction


def test_person_lookup_shows_earlier_appeals(tree, login, operator, register):
    appeal = register()
    page = (
        login(operator)
        .get(reverse("appeals:person_lookup"), {"iin": "900101300126"})
        .content.decode()
    )
    assert "Сейткали Арман" in page
    assert appeal.number in page


def test_queue_mine_overdue_and_due_soon(tree, login, register, district_admin, chair_a):
    overdue = register(text="Старое", received_at=MONDAY - dt.timedelta(days=60))
    services.appeal_assign(actor=district_admin, appeal=overdue, unit=tree.primary_a, user=chair_a)
    fresh = register(text="Свежее", category="roads", received_at=timezone.now())
    soon = services.calendar().add_working_days(timezone.localdate(), 2)
    Appeal.objects.filter(pk=fresh.pk).update(due_date=soon, original_due_date=soon)
    client = login(chair_a)
    assert [
        a.pk for a in client.get(reverse("appeals:list"), {"queue": "mine"}).context["page"]
    ] == [overdue.pk]
    admin = login(district_admin)
    assert [
        a.pk for a in admin.get(reverse("appeals:list"), {"queue": "overdue"}).context["page"]
    ] == [overdue.pk]
    assert [
        a.pk for a in admin.get(reverse("appeals:list"), {"queue": "due_soon"}).context["page"]
    ] == [fresh.pk]


def test_filters_and_text_search(tree, login, operator, register, categories):
    water = register(text="Нет ВОДЫ в колонке")
    road = register(text="Яма на дороге", category="roads", iin="850715400004")
    client = login(operator)

    def numbers(**params):
        return [a.number for a in client.get(reverse("appeals:list"), params).context["page"]]

    assert numbers(q="воды") == [water.number]
    assert numbers(q=road.number.lower()) == [road.number]
    assert numbers(category=categories["roads"].pk) == [road.number]
    assert numbers(channel="phone") == []
    assert numbers(status="registered", settlement=tree.village.pk) == [road.number, water.number]
    assert numbers(received_from="2026-11-03") == []


def test_export_contains_the_filtered_appeals(tree, login, operator, auditor, register):
    register(text="Нет воды")
    register(text="Яма на дороге", category="roads", iin="850715400004")
    content = login(operator).get(reverse("appeals:export"), {"q": "воды"}).content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    assert len(rows) == 2
    assert rows[1][6] == "Нет воды"
    masked = list(
        openpyxl.load_workbook(
            io.BytesIO(login(auditor).get(reverse("appeals:export")).content)
        ).active.values
    )
    assert {r[5] for r in masked[1:]} == {None}  # no citizen names for an auditor
    assert {r[6] for r in masked[1:]} == {None}


def test_appeal_card_hides_personal_data_from_an_auditor(tree, login, auditor, appeal_a):
    page = login(auditor).get(reverse("appeals:detail", args=[appeal_a.pk])).content.decode()
    assert appeal_a.number in page
    assert "Ахметова" not in page
    assert "отремонтировать дорогу" not in page


def test_actions_from_the_card(tree, login, chair_a, appeal_a):
    client = login(chair_a)
    client.post(reverse("appeals:act", args=[appeal_a.pk, "start"]))
    response = client.post(
        reverse("appeals:act", args=[appeal_a.pk, "answer"]),
        {
            "answer-text": "Дорога отремонтирована",
            "answer-outcome": "solved",
            "answer-publish": "on",
        },
    )
    assert response.status_code == 302
    appeal_a.refresh_from_db()
    assert (appeal_a.status, appeal_a.outcome) == ("answered", "solved")


def test_an_invalid_action_shows_the_form_with_errors(tree, login, operator, appeal_a):
    response = login(operator).post(
        reverse("appeals:act", args=[appeal_a.pk, "extend"]),
        {"extend-until": "2026-12-01", "extend-reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "reason" in response.context["forms"]["extend"].errors
    appeal_a.refresh_from_db()
    assert appeal_a.extended_until is None


def test_an_extension_to_a_saturday_from_the_card_names_the_friday(tree, login, operator, appeal_a):
    response = login(operator).post(
        reverse("appeals:act", args=[appeal_a.pk, "extend"]),
        {"extend-until": "2026-12-12", "extend-reason": "Ждём экспертизу"},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 200
    assert response.context["forms"]["extend"].errors["until"] == [
        "12.12.2026 — демалыс күні: мерзім жұмыс күніне келуі тиіс. "
        "Одан бұрынғы ең жақын жұмыс күні — 11.12.2026."
    ]
    appeal_a.refresh_from_db()
    assert (appeal_a.due_date, appeal_a.extended_until) == (dt.date(2026, 11, 23), None)


def test_the_card_shows_the_redirect_deadline_while_registered_or_assigned(
    tree, login, operator, chair_a, register, now_on
):
    appeal = register()  # Monday 2 Nov: redirect by Thursday 5 Nov
    client = login(operator)
    url = reverse("appeals:detail", args=[appeal.pk])

    def redirect_due():
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        found = re.search(r'<dd class="([^"]*)" id="appeal-redirect-due">([^<]*)<', page)
        return found and (found.group(1), found.group(2).strip())

    now_on(MONDAY + dt.timedelta(days=2))
    assert redirect_due() == ("col-7", "05.11.2026")
    now_on(MONDAY + dt.timedelta(days=4))
    assert redirect_due() == ("col-7 text-danger fw-semibold", "05.11.2026")
    services.appeal_assign(actor=operator, appeal=appeal, unit=tree.primary_a, user=chair_a)
    assert redirect_due() == ("col-7 text-danger fw-semibold", "05.11.2026")
    services.appeal_start(actor=chair_a, appeal=appeal)
    assert redirect_due() is None


def test_an_illegal_transition_from_the_card_says_why(tree, login, chair_a, appeal_a):
    response = login(chair_a).post(
        reverse("appeals:act", args=[appeal_a.pk, "close"]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "cannot be" in response.content.decode()
    appeal_a.refresh_from_db()
    assert appeal_a.status == "assigned"


def test_overdue_report_per_organization(tree, login, district_admin, register):
    old = register(text="Старое", received_at=MONDAY - dt.timedelta(days=60))
    services.appeal_assign(actor=district_admin, appeal=old, unit=tree.primary_b)
    register(text="Новое", category="roads", received_at=timezone.now())
    rows = login(district_admin).get(reverse("appeals:overdue")).context["rows"]
    by_unit = {r["unit__name"]: (r["open"], r["overdue"]) for r in rows}
    assert by_unit == {"ППО Айсары": (1, 1), "Акжарский район": (1, 0)}


def test_field_reception_planning_and_its_appeals(tree, login, operator, categories, office):
    client = login(operator)
    response = client.post(
        reverse("appeals:reception_new"),
        {
            "starts_at": "2026-12-10T11:00",
            "settlement": tree.village.pk,
            "place": "Клуб",
            "hosts_note": "Депутат маслихата",
            "description": "",
            "status": "planned",
            "is_public": "on",
        },
    )
    reception = tree.district.field_receptions.get()
    assert response["Location"] == reverse("appeals:reception", args=[reception.pk])
    data = intake_data(
        tree, categories, office, channel="field", reception_office="", field_reception=reception.pk
    )
    client.post(reverse("appeals:new"), data)
    page = client.get(reverse("appeals:reception", args=[reception.pk])).content.decode()
    assert Appeal.objects.get().number in page


def test_attachment_download_is_scoped(tree, login, operator, chair_b, appeal_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    [file] = services.attachments_add(
        actor=operator, appeal=appeal_a, uploads=[SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test")]
    )
    url = reverse("appeals:attachment", args=[appeal_a.pk, file.token])
    assert login(operator).get(url).getvalue().startswith(b"%PDF")
    assert login(chair_b).get(url).status_code == 404


@pytest.mark.parametrize("language", ["kk", "en"])
def test_appeal_pages_render_in_each_language(tree, login, operator, appeal_a, language):
    client = login(operator)
    client.cookies["pervichka_language"] = language
    for url in (
        reverse("appeals:list"),
        reverse("appeals:detail", args=[appeal_a.pk]),
        reverse("appeals:new"),
    ):
        page = client.get(url).content.decode()
        assert f'<html lang="{language}">' in page


def test_a_chair_sees_the_district_reception_of_an_appeal_without_a_link(
    tree, login, operator, district_admin, chair_a, categories, register
):
    from pervichka.appeals.models import FieldReception

    reception = FieldReception.objects.create(
        unit=tree.district, settlement=tree.village, starts_at=MONDAY, place="Клуб"
    )
    appeal = services.appeal_register(
        actor=operator,
        district=tree.district,
        data=citizen(),
        intake=services.Intake(
            channel="field",
            category=categories["roads"],
            text="Дорога до трассы разбита",
            settlement=tree.village,
            field_reception=reception,
            received_at=MONDAY,
        ),
    )
    services.appeal_assign(actor=district_admin, appeal=appeal, unit=tree.primary_a, user=chair_a)
    reception_url = reverse("appeals:reception", args=[reception.pk])
    card_url = reverse("appeals:detail", args=[appeal.pk])

    chair_page = login(chair_a).get(card_url).content.decode()
    assert '<span id="field-reception">Талшик — 02.11.2026</span>' in chair_page
    assert reception_url not in chair_page
    assert login(chair_a).get(reception_url).status_code == 404
    operator_page = login(operator).get(card_url).content.decode()
    assert f'<a href="{reception_url}" id="field-reception">Талшик — 02.11.2026</a>' in (
        operator_page
    )


def test_a_repeat_of_another_primarys_appeal_is_named_without_a_link(
    tree, login, district_admin, chair_a, register
):
    earlier = register(text="Нет воды", received_at=MONDAY - dt.timedelta(days=10))
    services.appeal_assign(actor=district_admin, appeal=earlier, unit=tree.primary_b)
    later = register(text="Воды так и нет")
    assert later.repeat_of == earlier
    services.appeal_assign(actor=district_admin, appeal=later, unit=tree.primary_a, user=chair_a)

    page = login(chair_a).get(reverse("appeals:detail", args=[later.pk])).content.decode()
    assert f'<dd class="col-7" id="repeat-of">{earlier.number}</dd>' in page
    admin_page = login(district_admin).get(reverse("appeals:detail", args=[later.pk]))
    assert reverse("appeals:detail", args=[earlier.pk]) in admin_page.content.decode()


@pytest.mark.parametrize(
    ("language", "name"), [("ru", "ППО Айсары"), ("kk", "Айсары БПҰ"), ("en", "Aisary primary")]
)
def test_overdue_report_names_organizations_in_the_readers_language(
    tree, login, district_admin, register, language, name
):
    tree.primary_b.name_kk, tree.primary_b.name_en = "Айсары БПҰ", "Aisary primary"
    tree.primary_b.save()
    old = register(text="Старое", received_at=MONDAY - dt.timedelta(days=60))
    services.appeal_assign(actor=district_admin, appeal=old, unit=tree.primary_b)
    client = login(district_admin)
    client.cookies["pervichka_language"] = language
    page = client.get(reverse("appeals:overdue")).content.decode()
    assert f"<tr><td>{name}</td>" in page
