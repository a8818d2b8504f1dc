"""An administrator records the evidence that a promise is done; the public tracker shows it
under «done», with the evidence, to anyone on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pervichka.promises import services

pytestmark = pytest.mark.browser


def test_evidence_moves_a_promise_to_done_and_the_tracker_shows_it(
    page, browser, live_server, tree, district_admin
):
    today = timezone.localdate()
    promise = services.promise_create(
        actor=district_admin,
        district=tree.district,
        data=services.PromiseData(
            number=7,
            text="Отремонтировать сельский дом культуры",
            text_kk="Ауылдық мәдениет үйін жөндеу",
            theme="culture",
            due_date=today + dt.timedelta(days=60),
            settlement=tree.village,
        ),
    )
    services.promise_report(
        actor=district_admin,
        promise=promise,
        status="in_progress",
        date=today - dt.timedelta(days=30),
        text="Подрядчик начал ремонт крыши",
    )
    page.goto(f"/programme/{promise.pk}/")
    page.locator("#id_username").fill("district_admin")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#promise-status [data-status]")).to_have_attribute(
        "data-status", "in_progress"
    )
    page.locator("#report-form #id_status").select_option("done")
    page.locator("#report-form #id_text").fill(
        "Дом культуры открыт после ремонта, акт приёмки подписан"
    )
    page.locator("#report-form button[type=submit]").click()
    # Done needs proof beyond words: the form says so and keeps what was typed.
    expect(page.locator('#report-form [data-field="link"]')).to_be_visible()
    page.locator("#report-form #id_link").fill("https://akzhar.example.kz/news/dk")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#promise-status [data-status]")).to_have_attribute("data-status", "done")

    citizen = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="kk-KZ", base_url=live_server.url
    ).new_page()
    citizen.goto("/promises/")
    citizen.locator('#promise-totals [data-total="done"]').click()
    item = citizen.locator(f'#tracker-list [data-promise="{promise.pk}"]')
    expect(item).to_contain_text("Ауылдық мәдениет үйін жөндеу")
    item.locator("a").click()
    expect(citizen.locator("#promise-status [data-status]")).to_have_attribute(
        "data-status", "done"
    )
    expect(citizen.locator("#promise-updates")).to_contain_text("акт приёмки подписан")
    expect(citizen.locator("#promise-updates a[href*='akzhar.example.kz']")).to_be_visible()
