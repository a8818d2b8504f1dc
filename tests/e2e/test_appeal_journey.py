"""A citizen submits an appeal on the public form and gets a code; the operator finds it,
assigns it, takes it into work and answers; the citizen sees the answer on the tracking page."""

import pytest
from playwright.sync_api import expect

from pervichka.appeals import services
from pervichka.appeals.models import Appeal

pytestmark = pytest.mark.browser


def test_citizen_to_operator_and_back(page, tree, operator, categories):
    # The citizen, on a phone, without logging in.
    page.goto("/appeal/")
    page.locator("#id_surname").fill("Жумабаева")
    page.locator("#id_name").fill("Динара")
    page.locator("#id_phone").fill("8 705 123 45 67")
    page.locator("#id_settlement").select_option(str(tree.village.pk))
    page.locator("#id_category").select_option("roads")
    page.locator("#id_text").fill("На улице Абая в Талшике нет освещения, детям темно.")
    page.locator("#id_consent").check()
    page.locator("#public-appeal-form button[type=submit]").click()

    expect(page.locator("#appeal-number")).to_have_text("AKZ-2026-000001")
    code = page.locator("#tracking-code").inner_text()
    appeal = Appeal.objects.get()
    assert code == appeal.tracking_code_display
    expect(page.locator("#appeal-status [data-status]")).to_have_attribute(
        "data-status", "registered"
    )

    # The operator at the reception office, on a desktop.
    desk = page.context.browser.new_context(
        base_url=page.url.split("/track")[0],
        viewport={"width": 1280, "height": 900},
        locale="ru-RU",
    )
    office = desk.new_page()
    office.goto("/accounts/login/")
    office.locator("#id_username").fill("operator")
    office.locator("#id_password").fill("correct-horse-battery")
    office.locator("main button[type=submit]").click()
    office.goto("/appeals/")
    office.get_by_role("link", name="AKZ-2026-000001").click()
    expect(office.locator("#appeal-text")).to_contain_text("нет освещения")

    office.locator("#action-assign summary").click()
    office.locator("#id_assign-unit").select_option(str(tree.district.pk))
    office.locator("#action-assign button[type=submit]").click()
    expect(office.locator("#appeal-number + [data-status]")).to_have_attribute(
        "data-status", "assigned"
    )
    office.locator("#appeal-actions form[action$='/act/start/'] button").click()
    expect(office.locator("#appeal-number + [data-status]")).to_have_attribute(
        "data-status", "in_progress"
    )
    office.locator("#action-answer summary").click()
    office.locator("#id_answer-text").fill("Фонари на улице Абая установлены 25 ноября.")
    office.locator("#id_answer-outcome").select_option("solved")
    office.locator("#action-answer button[type=submit]").click()
    expect(office.locator("#appeal-answer")).to_contain_text("Фонари на улице Абая")
    desk.close()

    # The citizen checks with the code from the coupon.
    page.goto("/track/")
    page.locator("#id_code").fill(code.lower())
    page.locator("main button[type=submit]").click()
    expect(page.locator("#appeal-answer")).to_contain_text(
        "Фонари на улице Абая установлены 25 ноября."
    )
    expect(page.locator("#appeal-status [data-status]")).to_have_attribute(
        "data-status", "answered"
    )
    assert "Жумабаева" not in page.content()
    appeal.refresh_from_db()
    assert appeal.status == "answered"
    assert services.normalize_tracking_code(code) == appeal.tracking_code
