"""News end to end on phone-sized screens: a correspondent writes and submits, the district's
press secretary asks for a change, then approves and publishes; the item is on the portal
(readable without JavaScript, 360 px wide), in the primary's feed, and its shared link
carries its Open Graph tags."""

import xml.etree.ElementTree as ET

import pytest
import requests
from playwright.sync_api import expect

from pervichka.core.roles import Role
from pervichka.media.models import NewsItem
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser


def login(page, username):
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.innerWidth") == 360


def phone(browser, live_server, **options):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ru-RU", base_url=live_server.url, **options
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def test_correspondent_writes_press_secretary_publishes_portal_and_feed_show_it(
    page, browser, live_server, tree
):
    grant(UserFactory(username="corr_a"), Role.CORRESPONDENT, tree.primary_a)
    grant(UserFactory(username="press"), Role.PRESS_SECRETARY, tree.district)

    # 1. The correspondent writes a draft and submits it.
    page.goto("/newsroom/new/")
    login(page, "corr_a")
    page.locator("#id_title").fill("Субботник в Талшике")
    page.locator("#id_title_kk").fill("Талшықтағы сенбілік")
    page.locator("#id_lead").fill("Сорок жителей убрали парк у школы.")
    page.locator("#id_lead_kk").fill("Қырық тұрғын мектеп жанындағы саябақты тазалады.")
    page.locator("#id_body").fill("<p>Спасибо всем!</p><script>alert(1)</script>")
    page.locator("#id_body_kk").fill("<p>Барлығына рахмет!</p>")
    page.locator("#news-form button[type=submit]").click()
    expect(page.locator("#news-status")).to_have_attribute("data-status", "draft")
    fits_the_phone(page)
    page.locator('[data-action="submit"]').click()
    expect(page.locator("#news-status")).to_have_attribute("data-status", "submitted")
    item = NewsItem.objects.get()

    # 2. The press secretary asks for a change from the queue.
    press = phone(browser, live_server)
    press.goto("/newsroom/queue/")
    login(press, "press")
    press.locator(f'#queue tr[data-news="{item.pk}"] a').click()
    press.locator("#act-form #id_note").fill("Укажите, какой парк")
    press.locator('[data-action="request_changes"]').click()
    expect(press.locator("#news-status")).to_have_attribute("data-status", "changes")

    # 3. The correspondent sees the note, corrects and submits again.
    page.reload()
    expect(page.locator("#news-note")).to_contain_text("Укажите, какой парк")
    page.goto(f"/newsroom/{item.pk}/edit/")
    page.locator("#id_lead").fill("Сорок жителей убрали школьный парк имени Абая.")
    page.locator("#news-form button[type=submit]").click()
    page.locator('[data-action="submit"]').click()
    expect(page.locator("#news-status")).to_have_attribute("data-status", "submitted")

    # 4. The press secretary approves and publishes.
    press.reload()
    press.locator('[data-action="approve"]').click()
    expect(press.locator("#news-status")).to_have_attribute("data-status", "approved")
    press.locator('[data-action="publish"]').click()
    expect(press.locator("#news-status")).to_have_attribute("data-status", "published")

    # 5. A reader without JavaScript finds it on the portal, on a phone.
    reader = phone(browser, live_server, java_script_enabled=False)
    reader.goto("/news/")
    reader.locator(f'[data-news="{item.pk}"] a').first.click()
    expect(reader.locator("#news-item h1")).to_have_text("Субботник в Талшике")
    expect(reader.locator("#news-item")).not_to_contain_text("alert")
    fits_the_phone(reader)
    og = reader.locator('meta[property="og:description"]').get_attribute("content")
    assert og == "Сорок жителей убрали школьный парк имени Абая."
    shared = reader.locator("#share-link").get_attribute("href")
    assert shared.endswith(f"/news/{item.pk}/")

    # 6. The primary's feed carries it.
    feed = requests.get(f"{live_server.url}/news/feed/primary/{tree.primary_a.pk}/rss/", timeout=10)
    titles = [e.text for e in ET.fromstring(feed.content).iter("title")]
    assert "Субботник в Талшике" in titles
