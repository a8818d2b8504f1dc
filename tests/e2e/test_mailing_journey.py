"""A chair builds a segment of pensioners in two villages, composes an SMS mailing, previews
who will get it and asks for approval; the district approves, the mailing goes out (the
worker's code path, eagerly in the test) and the delivery log shows it — on a 360 px phone,
with no page wider than the window."""

import datetime as dt
import itertools

import pytest
from playwright.sync_api import expect

from pervichka.core.iin import generate_iin
from pervichka.core.notify import LocmemSMSBackend
from pervichka.outreach import mailings
from pervichka.outreach.models import Delivery, Mailing
from pervichka.people.enums import ConsentPurpose
from pervichka.people.services import consent_give_by_subject
from tests.factories import PersonFactory, SettlementFactory

pytestmark = pytest.mark.browser
_serial = itertools.count(300)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _login(page, username: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()


def _pensioner(unit, settlement, surname: str, phone: str):
    person = PersonFactory(
        unit=unit,
        surname=surname,
        settlement=settlement,
        iin=generate_iin(dt.date(1950, 1, 1), "M", serial=next(_serial)),
        phone=phone,
    )
    consent_give_by_subject(person=person, purpose=ConsentPurpose.CONTACT_SMS, channel="sms")
    return person


def test_chair_mails_pensioners_of_two_villages_after_the_districts_approval(
    page, tree, chair_a, district_admin
):
    LocmemSMSBackend.outbox.clear()
    second = SettlementFactory(district=tree.district, name="Кызылту", kato="593401200")
    third = SettlementFactory(district=tree.district, name="Ульги", kato="593401300")
    recipients = [
        _pensioner(tree.primary_a, tree.village, "Абенов", "+77011110001"),
        _pensioner(tree.primary_a, second, "Борисов", "+77011110002"),
        _pensioner(tree.primary_a, second, "Васильев", "+77011110003"),
    ]
    _pensioner(tree.primary_a, third, "Гусев", "+77011110004")  # another village
    PersonFactory(  # not a pensioner: born in 2000 (a random factory age could be one)
        unit=tree.primary_a,
        settlement=second,
        surname="Молодой",
        phone="+77011110005",
        iin=generate_iin(dt.date(2000, 1, 1), "M", serial=next(_serial)),
    )
    mailings.policy_set(actor=district_admin, district=tree.district, approval_above=2)

    page.goto("/outreach/segments/new/")
    _login(page, "chair_a")
    form = page.locator("#segment-form")
    form.locator("#id_name").fill("Пенсионеры двух сёл")
    form.locator("input[value=pensioner]").check()
    form.locator("#id_settlements").select_option([str(tree.village.pk), str(second.pk)])
    _fits(page)
    form.locator("button[type=submit]").click()
    expect(page.locator("#segment-count")).to_have_text("3")
    _fits(page)

    page.goto("/outreach/mailings/new/")
    form = page.locator("#mailing-form")
    form.locator("#id_title").fill("Врачи в амбулатории")
    form.locator("#id_segment").select_option(label="Пенсионеры двух сёл")
    form.locator("#id_channel").select_option("sms")
    form.locator("#id_text_ru").fill("Врачи принимают пожилых жителей во вторник.")
    form.locator("#id_text_kk").fill("Дәрігерлер сейсенбіде егде тұрғындарды қабылдайды.")
    _fits(page)
    form.locator("button[type=submit]").click()
    expect(page.locator("#mailing-count")).to_have_text("3")
    for person in recipients:
        expect(page.locator("#mailing-sample")).to_contain_text(person.surname)
    expect(page.locator("#mailing-sample")).not_to_contain_text("Гусев")
    expect(page.locator("#needs-approval")).to_be_visible()
    _fits(page)
    page.locator("#mailing-submit").click()
    expect(page.locator("#mailing-status")).to_have_attribute("data-status", "awaiting")
    assert LocmemSMSBackend.outbox == []
    mailing_url = page.url

    page.context.clear_cookies()
    page.goto(mailing_url)
    _login(page, "district_admin")
    page.locator("#mailing-approve").click()
    expect(page.locator("#mailing-status")).to_have_attribute("data-status", "done")
    _fits(page)
    page.locator("#mailing-log-link").click()
    expect(page.locator('#log-counts [data-status="sent"] [data-count]')).to_have_text("3")
    for person in recipients:
        expect(page.locator("#log-rows")).to_contain_text(person.surname)
    _fits(page)

    mailing = Mailing.objects.get()
    assert mailing.approved_by == district_admin
    assert sorted(to for to, _text in LocmemSMSBackend.outbox) == sorted(
        p.phone for p in recipients
    )
    assert Delivery.objects.filter(mailing=mailing, status="sent").count() == 3
