"""An appeal typed by a citizen lands in the operator's export as text, never as a formula."""

import pytest

from tests.hostile import FORMULA, SUM, assert_inert

pytestmark = pytest.mark.hostile


def test_appeal_text_and_surname_export_as_text(register, login, district_admin):
    register(text=FORMULA + " просим воду", surname=SUM, iin="850715400004")
    content = login(district_admin).get("/appeals/export.xlsx").content
    assert_inert(content, FORMULA)
    assert_inert(content, SUM)
