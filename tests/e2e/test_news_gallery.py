"""A news item's gallery on a phone: the author adds a photo and states who is in it on the
newsroom page, the published item shows its gallery at 360 px without JavaScript, and a
withdrawn consent takes the photo off the page."""

import pytest
from playwright.sync_api import expect

from pervichka.core.roles import Role
from pervichka.media import services
from pervichka.people import services as people_services
from pervichka.people.models import Consent
from tests.e2e.test_news_journey import fits_the_phone, login, phone
from tests.factories import PersonFactory, UserFactory, grant
from tests.media.conftest import jpeg_bytes, jpeg_upload, news_data

pytestmark = pytest.mark.browser


def test_gallery_at_360_px_and_taken_down_on_withdrawal(browser, live_server, tree, tmp_path):
    correspondent = grant(UserFactory(username="corr_a"), Role.CORRESPONDENT, tree.primary_a)
    press = grant(UserFactory(username="press"), Role.PRESS_SECRETARY, tree.district)
    admin = grant(UserFactory(username="adm"), Role.ADMIN, tree.district)
    person = PersonFactory(unit=tree.primary_a, surname="Ахметова", name="Айгерим")
    people_services.consent_record(actor=admin, person=person, purpose="photos", channel="paper")
    item = services.news_create(actor=correspondent, unit=tree.primary_a, data=news_data())
    services.photo_add(
        actor=correspondent, item=item, upload=jpeg_upload(size=(1200, 800)),
        caption="Парк после уборки: " + "очень длинная подпись " * 5, people="none",
    )  # fmt: skip

    # The author adds a photo of a person with consent on the newsroom page, on a phone.
    page = phone(browser, live_server)
    page.set_default_timeout(90000)
    page.goto(f"/newsroom/{item.pk}/")
    login(page, "corr_a")
    fits_the_phone(page)
    upload = tmp_path / "ahmetova.jpg"
    upload.write_bytes(jpeg_bytes(size=(800, 1200)))
    page.locator("#id_add-upload").set_input_files(str(upload))
    page.locator("#id_add-caption").fill("Ахметова сажает дерево")
    page.locator("#id_add-people").select_option("consented")
    page.locator("#id_add-persons").select_option(str(person.pk))
    page.locator("#photo-add-form button[type=submit]").click()
    expect(page.locator("#gallery > li")).to_have_count(2)
    fits_the_phone(page)

    for action, actor in (("submit", correspondent), ("approve", press), ("publish", press)):
        item = services.news_act(actor=actor, item=item, action=action)

    reader = phone(browser, live_server, java_script_enabled=False)
    reader.set_default_timeout(90000)
    reader.goto(f"/news/{item.pk}/")
    expect(reader.locator("#news-gallery figure")).to_have_count(2)
    expect(reader.locator("#news-gallery")).to_contain_text("Ахметова сажает дерево")
    fits_the_phone(reader)

    people_services.consent_withdraw(
        actor=admin, consent=Consent.objects.get(person=person), reason="заявление"
    )
    reader.reload()
    expect(reader.locator("#news-gallery figure")).to_have_count(1)
    expect(reader.locator("#news-item")).not_to_contain_text("Ахметова сажает дерево")
