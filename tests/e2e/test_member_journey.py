"""A chair on a phone adds a member, mistypes the IIN, reads the error in Russian, fixes it,
and finds the member in the registry."""

import re

import pytest
from playwright.sync_api import expect

from pervichka.people.models import Membership

pytestmark = pytest.mark.browser


def test_chair_adds_a_member_after_fixing_the_iin(page, tree, chair_a):
    page.goto("/members/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/members/"))
    page.get_by_label("Имя пользователя").fill("chair_a")
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_role("button", name="Войти").click()
    page.locator("#add-member").click()
    page.get_by_label("ИИН").fill("900101300127")  # the last digit is wrong
    page.get_by_label("Фамилия").fill("Сейткали")
    page.get_by_label(re.compile(r"^Имя")).fill("Арман")
    page.get_by_label("Телефон").fill("8 701 234 56 78")
    page.get_by_label("Согласие на обработку персональных данных").select_option("paper")
    page.get_by_role("button", name="Сохранить").click()

    error = page.locator('[data-field="iin"]')
    expect(error).to_have_text("Неверная контрольная цифра ИИН: проверьте номер на опечатки.")
    assert not Membership.objects.exists()

    page.get_by_label("ИИН").fill("900101300126")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#member-name")).to_have_text("Сейткали Арман")
    expect(page.locator("#member-iin")).to_have_text("900101300126")

    page.goto("/members/")
    page.get_by_placeholder("ФИО, ИИН или телефон").fill("сейткали")
    row = page.locator("#member-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Сейткали Арман")
    expect(page.locator("#member-count")).to_contain_text("1")
    membership = Membership.objects.get()
    assert membership.primary == tree.primary_a
    assert membership.person.birth_date.isoformat() == "1990-01-01"
    # The export link follows the search typed into the live filters: the file holds what
    # the list shows.
    expect(page.locator("#export-link")).to_have_attribute("href", re.compile(r"q=%D1%81%D0%B5"))
