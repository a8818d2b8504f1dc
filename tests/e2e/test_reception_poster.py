"""A chair opens the field receptions of the district on a phone and the poster of one for
the primary: both fit 360 px, and the poster carries the date, the place and the QR codes."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pervichka.appeals.models import FieldReception
from pervichka.orgs.models import OrgUnit

pytestmark = pytest.mark.browser


def test_chair_opens_the_poster_of_a_field_reception_on_a_phone(page, tree, chair_a, settings):
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = "akzhar_bot"
    OrgUnit.objects.filter(pk=tree.primary_a.pk).update(code="AKZ-TAL")
    FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Сельский клуб имени Габита Мусрепова, большой зал на втором этаже",
        hosts_note="депутаты районного маслихата и сотрудники акимата сельского округа",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    page.goto("/outreach/receptions/")
    page.locator("#id_username").fill("chair_a")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#reception-posters")).to_contain_text("Сельский клуб имени")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator("#reception-posters a").first.click()
    expect(page.locator("#poster-place")).to_contain_text("Талшик, Сельский клуб имени")
    expect(page.locator("#poster-bot-qr svg")).to_be_visible()
    expect(page.locator("#poster-public-qr svg")).to_be_visible()
    expect(page.locator("#poster")).to_contain_text(
        f"https://t.me/akzhar_bot?start=p{tree.primary_a.pk}"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
