import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from tests.hostile import SUM, assert_inert

pytestmark = pytest.mark.hostile


def test_member_name_exports_as_text_in_the_dues_table(tree, rates, login, chair_a):
    import datetime as dt

    MembershipFactory(primary=tree.primary_a, joined=dt.date(2026, 1, 10), person__surname=SUM)
    response = login(chair_a).get(
        reverse("dues:primary", args=[tree.primary_a.pk]), {"month": "2026-03", "format": "xlsx"}
    )
    assert_inert(response.content, SUM)
