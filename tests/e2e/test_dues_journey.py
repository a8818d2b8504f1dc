"""A chair records a member's payment on a phone; the primary's project fund grows by the
district's return share (20%)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pervichka.dues.models import Payment
from tests.dues.conftest import fund
from tests.dues.conftest import payer as payer
from tests.dues.conftest import rates as rates

pytestmark = pytest.mark.browser


def test_chair_records_a_payment_and_the_fund_grows(page, tree, chair_a, payer):
    page.goto(f"/dues/primaries/{tree.primary_a.pk}/?month=2026-03")
    page.locator("#id_username").fill("chair_a")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#fund-balance")).to_contain_text("0")
    page.get_by_role("link", name="Плательщиков Иван").click()
    page.locator("#record-payment").click()

    page.get_by_label("01.2026 — 500,00 ₸").check()
    page.get_by_label("02.2026 — 500,00 ₸").check()
    page.get_by_label("03.2026 — 500,00 ₸").check()
    page.locator("#id_receipt_number").fill("КВ-000501")
    page.locator("#id_paid_on").fill("2026-11-20")
    page.locator("#payment-form button[type=submit]").click()

    expect(page.locator('[data-month="2026-03"]')).to_have_attribute("data-state", "paid")
    expect(page.locator("#payments tbody tr")).to_have_count(1)
    page.goto(f"/dues/primaries/{tree.primary_a.pk}/?month=2026-03")
    expect(page.locator("#fund-balance")).to_contain_text("300")
    assert Payment.objects.get().amount == Decimal("1500.00")
    assert fund(tree.primary_a) == Decimal("300.00")
