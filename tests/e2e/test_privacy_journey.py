"""A district administrator on a phone (360 px) answers a subject request: finds the
person by IIN, sees what every app holds, downloads it, records the withdrawal of a
consent on the member card, and records a breach with its deadline."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from pervichka.people import services
from pervichka.people.models import Consent
from pervichka.privacy.models import Breach

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_subject_request_consent_and_breach_on_a_phone(page, tree, district_admin, member_a):
    consent = services.consent_record(
        actor=district_admin, person=member_a.person, purpose="outreach", channel="paper"
    )
    page.goto("/accounts/login/?next=/privacy/subjects/")
    page.get_by_label("Имя пользователя").fill("district_admin")
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_role("button", name="Войти").click()

    page.get_by_label("ИИН").fill(member_a.person.iin)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("#subject-name")).to_have_text("Ахметова Айгерим Маратовна")
    expect(page.locator("#subject-purposes")).to_be_visible()  # a current member
    _fits(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать JSON").click()
    assert download.value.suggested_filename.endswith(".json")

    page.goto(f"/members/{member_a.pk}/")
    row = page.locator(f"#consent-{consent.pk}")
    row.get_by_text("Отозвать").click()
    row.get_by_label("Как и почему согласие отозвано").fill("заявление от 7.12")
    row.get_by_role("button", name="Записать отзыв").click()
    expect(page.locator(f"#consent-{consent.pk}")).to_contain_text("заявление от 7.12")
    _fits(page)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None

    page.goto("/privacy/breaches/")
    page.get_by_label("Организация").select_option(str(tree.district.pk))
    page.get_by_label("Обнаружено").fill("2026-12-04T18:00")
    page.get_by_label("Что произошло").fill("Потерян список членов")
    page.get_by_label("Сколько человек").fill("40")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#breach-status")).to_have_text(re.compile("не уведомлён"))
    _fits(page)
    breach = Breach.objects.get()
    assert breach.notify_due.astimezone(dt.UTC).date() == dt.date(2026, 12, 7)
    assert not Consent.objects.filter(withdrawn_at__isnull=True, purpose="outreach").exists()
