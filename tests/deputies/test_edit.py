"""Issue 14, point 11: deputies are edited in the staff pages, not only in Django admin;
another district (or a primary) cannot open or change the record."""

import datetime as dt

import pytest
from django.urls import reverse

from pervichka.deputies import services
from pervichka.deputies.models import Deputy
from tests.factories import PersonFactory


@pytest.fixture
def deputy(tree, district_admin):
    return services.deputy_register(
        actor=district_admin,
        person=PersonFactory(unit=tree.district, surname="Депутатов"),
        unit=tree.district,
        council="Акжарский районный маслихат",
        term="VIII созыв",
        term_start=dt.date(2023, 3, 29),
        constituency="Округ №1",
    )


def form_data(**changes):
    data = {
        "council": "Акжарский районный маслихат",
        "term": "VIII созыв",
        "term_start": "29.03.2023",
        "term_end": "",
        "constituency": "Округ №2",
        "faction": "AMANAT",
        "role_in_faction": "секретарь",
    }
    data.update(changes)
    return data


def test_the_district_admin_edits_a_deputy(deputy, district_admin, login):
    staff = login(district_admin)
    page = staff.get(reverse("deputies:detail", args=[deputy.pk]))
    assert reverse("deputies:edit", args=[deputy.pk]) in page.content.decode()
    response = staff.post(reverse("deputies:edit", args=[deputy.pk]), form_data())
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert (deputy.constituency, deputy.role_in_faction) == ("Округ №2", "секретарь")


def test_a_term_cannot_end_before_it_starts(deputy, district_admin, login):
    response = login(district_admin).post(
        reverse("deputies:edit", args=[deputy.pk]), form_data(term_end="01.01.2020")
    )
    assert response.status_code == 200
    assert "term_end" in response.context["form"].errors


def test_another_district_or_a_primary_cannot_edit(deputy, other_admin, chair_a, login):
    for outsider in (other_admin, chair_a):
        client = login(outsider)
        assert client.get(reverse("deputies:edit", args=[deputy.pk])).status_code == 404
        response = client.post(
            reverse("deputies:edit", args=[deputy.pk]), form_data(constituency="<script>")
        )
        assert response.status_code == 404
    assert Deputy.objects.get(pk=deputy.pk).constituency == "Округ №1"
