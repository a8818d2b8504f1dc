import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pervichka.core.kpis import Period, compute
from pervichka.youth import services
from pervichka.youth.models import MRP, Case, Placement, YoungPerson


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
    # "С дипломом в село" pays 100 MRP: the tenge sum at this year's MRP comes with it.
    mrp = MRP.objects.filter(year=timezone.localdate().year).first()
    if mrp is not None:
        assert Decimal(measure["benefit_kzt"]) == 100 * mrp.value
    assert measure["description"]
    # Placed seven months ago, the case closed as placed; the 3-month check still goes in.
    placed = requests.post(
        f"{base}/cases/{case['id']}/placements",
        headers=headers,
        timeout=10,
        json={
            "kind": "work",
            "started_on": (timezone.localdate() - dt.timedelta(days=215)).isoformat(),
            "organization": "Аульная школа",
        },
    ).json()
    placement_id = placed["placements"][0]["id"]
    _t, other = api_token_create(actor=chair_b, name="b")
    outsider = {"Authorization": f"Bearer {other}"}
    for url, body in (
        (f"{base}/cases/{case['id']}/close", {"reason": "placed"}),
        (
            f"{base}/cases/{case['id']}/placements/{placement_id}/check",
            {"months": 3, "lasted": True},
        ),
    ):
        assert requests.post(url, headers=outsider, json=body, timeout=10).status_code == 404
    closed = requests.post(
        f"{base}/cases/{case['id']}/close", headers=headers, json={"reason": "placed"}, timeout=10
    )
    assert closed.json()["status"] == "closed"
    checked = requests.post(
        f"{base}/cases/{case['id']}/placements/{placement_id}/check",
        headers=headers,
        json={"months": 3, "lasted": True},
        timeout=10,
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["placements"][0]["lasted_3m"] is True
    assert (
        requests.get(f"{base}/cases/{case['id']}", timeout=10, headers=outsider).status_code == 404
    )
    assert Case.objects.count() == 1


def test_a_closed_case_still_takes_the_placement_checks(tree, login, youth_worker, neet_case):
    """Cases close as "placed"; the 3- and 6-month checks come later, on the closed case."""
    placement = services.placement_record(
        actor=youth_worker,
        case=neet_case,
        kind="work",
        started_on=timezone.localdate() - dt.timedelta(days=100),
        organization="Ферма",
    )
    services.case_close(actor=youth_worker, case=neet_case, reason="placed")
    client = login(youth_worker)
    page = client.get(reverse("youth:case", args=[neet_case.pk])).content.decode()
    assert reverse("youth:case_act", args=[neet_case.pk, "check"]) in page
    assert reverse("youth:case_act", args=[neet_case.pk, "note"]) not in page  # closed
    client.post(
        reverse("youth:case_act", args=[neet_case.pk, "check"]),
        {"placement": placement.pk, "months": "3", "lasted": "1"},
    )
    placement.refresh_from_db()
    assert placement.lasted_3m is True


def test_eligibility_shows_the_payment_in_tenge(tree, login, youth_worker, neet_case):
    MRP.objects.update_or_create(year=timezone.localdate().year, defaults={"value": "4325"})
    page = login(youth_worker).get(reverse("youth:case", args=[neet_case.pk])).content.decode()
    assert "432 500 ₸" in page.replace("\xa0", " ").replace("\u202f", " ")
    assert f"по МРП {timezone.localdate().year} года" in page  # the year the sum is at
    assert "бюджетный кредит на жильё" in page  # what the measure gives, in Russian


def test_the_case_is_handed_to_another_worker(tree, login, youth_worker, chair_a, neet_case):
    client = login(youth_worker)
    form = client.get(reverse("youth:case", args=[neet_case.pk])).context["case_form"]
    assert set(form.fields["worker"].queryset) >= {youth_worker, chair_a}
    data = {"needs": ["employment"], "assessment": "", "plan": "", "next_followup": ""}
    client.post(
        reverse("youth:case_act", args=[neet_case.pk, "update"]), {**data, "worker": chair_a.pk}
    )
    neet_case.refresh_from_db()
    assert neet_case.worker == chair_a


def test_the_case_cannot_go_to_a_worker_of_another_primary(
    tree, login, youth_worker, chair_b, neet_case
):
    client = login(youth_worker)
    data = {"needs": ["employment"], "assessment": "", "plan": "", "next_followup": ""}
    response = client.post(
        reverse("youth:case_act", args=[neet_case.pk, "update"]), {**data, "worker": chair_b.pk}
    )
    assert response.status_code == 200  # the form again, with the error
    neet_case.refresh_from_db()
    assert neet_case.worker == youth_worker


def test_dashboard_table_chart_and_export(tree, login, district_admin, neet_case, youth_worker):
    from pervichka.youth.models import SupportMeasure

    measure = SupportMeasure.objects.get(district=None, code="diploma_to_village")
    services.referral_create(actor=youth_worker, case=neet_case, measure=measure)
    client = login(district_admin)
    page = client.get(reverse("youth:dashboard"))
    _name, figures = page.context["d"].referrals_by_measure[0]
    assert figures == {"total": 1, "under_way": 1, "completed": 0, "refused": 0}
    assert 'id="referrals-data"' in page.content.decode()
    export = client.get(reverse("youth:dashboard"), {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    figures_in_sheet = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures_in_sheet["Cases open"] == 1
    assert "Placement rate, %" in figures_in_sheet


def test_the_registry_marks_who_is_above_the_age_limit(tree, login, youth_worker, add_young):
    from pervichka.youth.models import YouthRules

    add_young(age=27, surname="Взрослый")
    YouthRules.objects.update_or_create(district=tree.district, defaults={"max_age": 25})
    page = login(youth_worker).get(reverse("youth:registry")).content.decode()
    assert "data-aged-out" in page


def test_a_district_replaces_a_national_measure(tree, login, district_admin, measures):
    from pervichka.youth.models import SupportMeasure
    from pervichka.youth.selectors import measures_for

    client = login(district_admin)
    listing = client.get(reverse("admin:youth_supportmeasure_changelist")).content.decode()
    assert "Общественные работы" in listing  # the national catalogue is seen
    national = measures["public_works"]
    change = client.post(
        reverse("admin:youth_supportmeasure_change", args=[national.pk]), {"name": "Взлом"}
    )
    assert change.status_code == 403
    national.refresh_from_db()
    assert national.name == "Общественные работы"
    # Withdrawn in this district: its own measure with the same code, not in use.
    SupportMeasure.objects.create(
        district=tree.district, code="public_works", name="Общественные работы", is_active=False
    )
    codes = set(measures_for(tree.primary_a).values_list("code", flat=True))
    assert "public_works" not in codes
    assert "diploma_to_village" in codes
    assert "public_works" in set(measures_for(tree.primary_c).values_list("code", flat=True))


def test_the_case_page_shows_who_changed_what(tree, login, youth_worker, neet_case, measures):
    from django.utils import translation

    from pervichka.youth.enums import CaseStatus

    services.referral_create(actor=youth_worker, case=neet_case, measure=measures["first_job"])
    services.case_close(actor=youth_worker, case=neet_case, reason="declined")
    page = login(youth_worker).get(reverse("youth:case", args=[neet_case.pk]))
    assert 'id="case-history"' in page.content.decode()
    history = page.context["history"]
    assert history[0].who == youth_worker.get_full_name()
    with translation.override("ru"):
        closed = str(CaseStatus.CLOSED.label)
    assert any(change.new == closed for entry in history for change in entry.changes)
    assert {entry.what.split(":")[0] for entry in history} == {"Сопровождение", "Направление"}


def test_a_chair_of_another_primary_cannot_check_a_placement(
    tree, login, youth_worker, chair_b, neet_case
):
    placement = services.placement_record(
        actor=youth_worker,
        case=neet_case,
        kind="work",
        started_on=timezone.localdate() - dt.timedelta(days=100),
        organization="Ферма",
    )
    services.case_close(actor=youth_worker, case=neet_case, reason="placed")
    response = login(chair_b).post(
        reverse("youth:case_act", args=[neet_case.pk, "check"]),
        {"placement": placement.pk, "months": "3", "lasted": "1"},
    )
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.lasted_3m is None


def test_closing_a_case_with_an_unknown_reason_says_so_and_keeps_it_open(
    tree, login, youth_worker, neet_case
):
    response = login(youth_worker).post(
        reverse("youth:case_act", args=[neet_case.pk, "close"]), {"reason": "nonsense"}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    with translation.override("ru"):
        assert _("Saved.") not in shown
        assert _("The action was not done: see the form below.") in shown
        # The close form is shown again with the reason's error under it.
        assert response.context["close_form"].errors["reason"]
    neet_case.refresh_from_db()
    assert neet_case.status == "open"
    assert neet_case.closed_at is None


def test_an_unknown_case_action_is_not_found(tree, login, youth_worker, neet_case):
    response = login(youth_worker).post(reverse("youth:case_act", args=[neet_case.pk, "erase"]))
    assert response.status_code == 404
