import pytest
from django.urls import reverse

from tests.hostile import SUM, assert_inert

pytestmark = pytest.mark.hostile


def test_young_person_surname_exports_as_text(add_young, login, youth_worker):
    add_young(surname=SUM)
    response = login(youth_worker).get(reverse("youth:registry"), {"format": "xlsx"})
    assert_inert(response.content, SUM)
