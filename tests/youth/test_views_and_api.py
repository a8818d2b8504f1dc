import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from pervichka.core.kpis import Period, compute
from pervichka.youth import services
from pervichka.youth.models import Case, Placement, YoungPerson


def test_registry_filters_neet(tree, login, youth_worker, add_young):
    add_young(surname="Работает", employed=True)
    add_young(surname="Ищет", registered_job_seeker=True)
    client = login(youth_worker)
    page = client.get(reverse("youth:registry"), {"neet": "1"})
    assert [yp.person.surname for yp, _s, _a in page.context["rows"]] == ["Ищет"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("youth:registry"), {"format": "xlsx"}).content)
    ).active
    assert sheet.max_row == 3


def test_register_a_young_person_from_the_form(tree, login, youth_worker):
    response = login(youth_worker).post(
        reverse("youth:new"),
        {
            "iin": "",
            "surname": "Без",
            "name": "ИИН",
            "birth_date": "2003-05-05",
            "phone": "",
            "settlement": tree.village.pk,
            "primary": tree.primary_a.pk,
            "consent_method": "paper",
            "education": "secondary",
            "registered_job_seeker": "on",
        },
    )
    yp = YoungPerson.objects.get()
    assert response["Location"] == reverse("youth:person", args=[yp.pk])
    assert yp.person.birth_date == dt.date(2003, 5, 5)


def test_case_page_actions(tree, login, youth_worker, neet_case, measures):
    client = login(youth_worker)
    url = reverse("youth:case_act", args=[neet_case.pk, "refer"])
    client.post(url, {"measure": measures["diploma_to_village"].pk, "note": ""})
    referral = neet_case.referrals.get()
    client.post(
        reverse("youth:case_act", args=[neet_case.pk, "move"]),
        {"referral": referral.pk, "to": "accepted"},
    )
    client.post(
        reverse("youth:case_act", args=[neet_case.pk, "place"]),
        {
            "kind": "work",
            "started_on": timezone.localdate().isoformat(),
            "organization": "Сельская школа",
            "position": "учитель",
            "referral": referral.pk,
        },
    )
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert Placement.objects.get().organization == "Сельская школа"
    page = client.get(reverse("youth:case", args=[neet_case.pk])).content.decode()
    assert 'data-status="employed"' in page


def test_dashboard_figures(tree, login, district_admin, neet_case, add_young, youth_worker):
    add_young(employed=True)
    services.placement_record(
        actor=youth_worker,
        case=neet_case,
        kind="work",
        started_on=timezone.localdate() - dt.timedelta(days=1),
        organization="Ферма",
    )
    d = login(district_admin).get(reverse("youth:dashboard")).context["d"]
    assert (d.total, d.cases_open, d.cases_placed) == (2, 1, 1)
    assert d.placement_rate == 1.0


def test_youth_kpis(tree, neet_case, youth_worker, add_young):
    today = timezone.localdate()
    other = services.case_open(
        actor=youth_worker,
        yp=add_young(),
        needs=["training"],
        next_followup=today - dt.timedelta(days=5),
    )
    services.placement_record(
        actor=youth_worker, case=neet_case, kind="work", started_on=today, organization="Ферма"
    )
    period = Period(today - dt.timedelta(days=30), today)
    ids = [tree.primary_a.pk, tree.district.pk, tree.primary_b.pk]
    assert compute("youth_cases_active", ids, period) == {
        tree.primary_a.pk: 2.0,
        tree.district.pk: 2.0,
        tree.primary_b.pk: 0.0,
    }
    assert compute("placement_rate", ids, period)[tree.primary_a.pk] == 0.5
    assert compute("followups_overdue_share", ids, period)[tree.district.pk] == 0.5
    assert other.pk


def test_outsiders_get_404(tree, login, chair_b, operator, neet_case):
    for user in (chair_b, operator):
        client = login(user)
        assert client.get(reverse("youth:case", args=[neet_case.pk])).status_code == 404
        assert (
            client.get(reverse("youth:person", args=[neet_case.young_person_id])).status_code == 404
        )
        assert (
            client.post(
                reverse("youth:case_act", args=[neet_case.pk, "note"]), {"text": "x"}
            ).status_code
            == 404
        )
    assert not neet_case.notes.exists()


@pytest.mark.django_db(transaction=True)
def test_youth_api_over_http(live_server, tree, youth_worker, chair_b):
    import requests

    from pervichka.accounts.services import api_token_create

    _t, raw = api_token_create(actor=youth_worker, name="youth")
    headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}
    base = live_server.url + "/api/v1/youth"
    created = requests.post(
        base + "/people",
        headers=headers,
        timeout=10,
        json={
            "primary_id": tree.primary_a.pk,
            "surname": "Апи",
            "name": "Тест",
            "birth_date": "2002-02-02",
            "consent_method": "paper",
            "education": "higher",
            "graduated_year": timezone.localdate().year - 1,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "neet"
    yp_id = created.json()["id"]
    eligible = {
        m["code"]: m["eligible"]
        for m in requests.get(
            f"{base}/people/{yp_id}/eligibility", headers=headers, timeout=10
        ).json()
    }
    assert eligible["diploma_to_village"] is True
    case = requests.post(
        f"{base}/people/{yp_id}/cases", headers=headers, timeout=10, json={"needs": ["employment"]}
    ).json()
    measure = next(
        m
        for m in requests.get(
            f"{base}/people/{yp_id}/eligibility", headers=headers, timeout=10
        ).json()
        if m["code"] == "diploma_to_village"
    )
    referred = requests.post(
        f"{base}/cases/{case['id']}/referrals",
        headers=headers,
        timeout=10,
        json={"measure_id": measure["measure_id"]},
    )
    assert referred.json()["referrals"][0]["status"] == "referred"
    _t, other = api_token_create(actor=chair_b, name="b")
    assert (
        requests.get(
            f"{base}/cases/{case['id']}", timeout=10, headers={"Authorization": f"Bearer {other}"}
        ).status_code
        == 404
    )
    assert Case.objects.count() == 1
