import pytest

from tests.hostile import FORMULA, SUM, assert_inert

pytestmark = pytest.mark.hostile


def test_promise_title_and_deputy_name_export_as_text(make_promise, deputy, login, district_admin):
    deputy.person.surname = SUM
    deputy.person.save()
    make_promise(text=FORMULA)
    client = login(district_admin)
    assert_inert(client.get("/programme/?format=xlsx").content, FORMULA)
    assert_inert(client.get("/deputies/?format=xlsx").content, SUM)
