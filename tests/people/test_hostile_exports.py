"""The member registry export and the import template write names as text."""

import pytest

from tests.factories import MembershipFactory
from tests.hostile import FORMULA, SUM, assert_inert

pytestmark = pytest.mark.hostile


def test_member_surname_exports_as_text(tree, login, chair_a):
    MembershipFactory(primary=tree.primary_a, person__surname=SUM, person__address=FORMULA)
    content = login(chair_a).get("/members/export.xlsx").content
    assert_inert(content, SUM)
    assert_inert(content, FORMULA)


def test_the_import_template_is_a_valid_workbook_from_the_helper(tree, login, chair_a):
    import io

    import openpyxl

    from pervichka.people.importing import member_import_template

    sheet = openpyxl.load_workbook(io.BytesIO(member_import_template())).active
    assert all(cell.data_type == "s" for cell in next(sheet.iter_rows()))
