"""A chair on a phone (360 px) uploads the members list as the primary keeps it: the columns
are read from the third row, the chair says one column is not to be read, checks the rows,
reads what looks wrong and imports. No page is wider than the phone."""

import re

import pytest
from playwright.sync_api import expect

from pervichka.people.enums import MembershipStatus
from pervichka.people.models import Membership
from tests.people import handkept

pytestmark = pytest.mark.browser


def _no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide at 360 px"


def test_chair_imports_a_handkept_list_on_a_phone(page, tree, chair_a, tmp_path):
    content, _info = handkept.build()
    path = tmp_path / "Список членов.xlsx"
    path.write_bytes(content)

    page.goto("/members/import/")
    page.get_by_label("Имя пользователя").fill("chair_a")
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(re.compile(r"/members/import/$"))
    _no_horizontal_overflow(page)
    # The chair's only primary is chosen already.
    expect(page.locator("#id_default_primary")).to_have_value(str(tree.primary_a.pk))
    page.locator("#id_file").set_input_files(str(path))
    page.locator("#id_consent_confirmed").check()
    page.locator("#upload-file").click()

    # The preview: the header found on row 3, a select per column, nothing checked yet.
    expect(page.locator("#mapping li")).to_have_count(len(handkept.HEADER))
    expect(page.get_by_label("Ф.И.О.")).to_have_value("full_name")
    expect(page.get_by_label("ИИН", exact=True)).to_have_value("iin")
    _no_horizontal_overflow(page)
    page.get_by_label("Дата рождения").select_option("")
    page.locator("#check-rows").click()

    expect(page.locator("#unused-columns")).to_contain_text("Дата рождения")
    expect(page.locator('[data-warning="phone"] .badge')).to_have_text("6")
    expect(page.locator('[data-warning="birth_date"]')).to_have_count(0)
    expect(page.locator("#import-errors li")).to_have_count(2)
    expect(page.locator('#import-errors li[data-row="14"]')).to_contain_text("Бекенов")
    _no_horizontal_overflow(page)
    page.locator("#confirm-import").click()
    expect(page.locator("#rows-imported")).to_have_text("12")
    _no_horizontal_overflow(page)
    assert Membership.objects.filter(primary=tree.primary_a).count() == 12
    assert Membership.objects.filter(status=MembershipStatus.ARCHIVED).count() == 4
