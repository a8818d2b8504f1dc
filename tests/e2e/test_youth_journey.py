"""A chair opens a case for a NEET young person of the primary, refers them to «С дипломом в
село», records the placement; the register then shows them employed."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pervichka.youth.models import Placement, Referral
from tests.youth.conftest import add_young as add_young  # a fixture
from tests.youth.conftest import youth_worker as youth_worker  # a fixture

pytestmark = pytest.mark.browser


def test_chair_refers_a_neet_graduate_and_records_the_placement(page, tree, chair_a, add_young):
    yp = add_young(
        age=23,
        surname="Жумабеков",
        education="higher",
        graduated_year=timezone.localdate().year - 1,
    )
    page.goto(f"/youth/{yp.pk}/")
    page.locator("#id_username").fill("chair_a")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#youth-status")).to_have_attribute("data-status", "neet")
    expect(page.locator('[data-measure="diploma_to_village"]')).to_have_attribute(
        "data-eligible", "yes"
    )

    page.locator("#open-case summary").click()
    page.locator("#open-case input[value=employment]").check()
    page.locator("#open-case #id_plan").fill("Работа учителем в сельской школе")
    page.locator("#open-case button[type=submit]").click()
    expect(page.locator("#case-status")).to_be_visible()

    page.locator("#refer summary").click()
    page.locator("#refer #id_measure").select_option(label="«С дипломом в село»")
    page.locator("#refer button[type=submit]").click()
    row = page.locator('#referrals tr[data-measure="diploma_to_village"]')
    expect(row.locator(".referral-status")).to_have_attribute("data-status", "referred")

    page.locator("#place summary").click()
    page.locator("#place #id_kind").select_option("work")
    page.locator("#place #id_started_on").fill(timezone.localdate().isoformat())
    page.locator("#place #id_organization").fill("КГУ «Средняя школа с. Айсары»")
    page.locator("#place #id_position").fill("учитель математики")
    page.locator("#place #id_referral").select_option(index=1)
    page.locator("#place button[type=submit]").click()
    expect(page.locator("#placements")).to_contain_text("КГУ «Средняя школа с. Айсары»")
    expect(page.locator("#youth-status")).to_have_attribute("data-status", "employed")

    placement = Placement.objects.get()
    assert placement.referral == Referral.objects.get(measure__code="diploma_to_village")
    yp.refresh_from_db()
    assert yp.employed
