"""The org pages (people/org_views.py) as users of another primary or district meet them."""

import datetime as dt

import pytest
from django.urls import reverse

from pervichka.orgs import services
from pervichka.orgs.enums import PositionKind
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_term(tree, district_admin):
    return services.position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=PersonFactory(unit=tree.primary_a),
        kind=PositionKind.CHAIR,
        start=dt.date(2024, 1, 1),
    )


def test_a_user_of_another_primary_or_district_cannot_end_primary_as_term(
    login, chair_b, other_admin, chair_term
):
    url = reverse("orgs:position_end", args=[chair_term.pk])
    for outsider in (chair_b, other_admin):
        assert login(outsider).post(url, {"end": "2025-06-30"}).status_code == 404
    chair_term.refresh_from_db()
    assert chair_term.end is None


def test_the_district_ends_the_term_through_the_page(login, district_admin, chair_term):
    url = reverse("orgs:position_end", args=[chair_term.pk])
    response = login(district_admin).post(url, {"end": "2025-06-30"})
    assert response.status_code == 302
    chair_term.refresh_from_db()
    assert chair_term.end == dt.date(2025, 6, 30)


def test_another_primary_sees_no_unit_page_of_ours(login, chair_b, tree):
    assert login(chair_b).get(reverse("orgs:detail", args=[tree.primary_a.pk])).status_code == 404
