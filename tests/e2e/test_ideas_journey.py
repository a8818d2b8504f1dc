"""The ideas contest end to end, on phone-sized screens: a citizen suggests an idea, the
district publishes it, another citizen votes with the code the SMS brought; then the
ТазаLike map draws the district's plantings even with no tile server."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pervichka.core.notify import LocmemSMSBackend
from pervichka.greening import services as greening_services
from pervichka.ideas import services
from pervichka.ideas.models import Idea
from pervichka.projects.models import Project

pytestmark = pytest.mark.browser


@pytest.fixture
def open_contest(tree):
    today = timezone.localdate()
    tree.village.latitude, tree.village.longitude = Decimal("53.64"), Decimal("69.35")
    tree.village.save()
    contest = services.contest_for(tree.district, today.year)
    contest.submit_until = contest.vote_until = today + dt.timedelta(days=30)
    contest.save()
    return contest


def _sms_code(phone: str) -> str:
    text = [t for to, t in LocmemSMSBackend.outbox if to == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_a_citizens_idea_is_published_and_another_citizen_votes_for_it(
    page, browser, live_server, tree, district_admin, open_contest
):
    LocmemSMSBackend.outbox.clear()
    # 1. A citizen suggests an idea from the portal.
    page.goto("/ideas/")
    page.locator("#submit-idea").click()
    page.locator("#id_settlement").select_option(label="Талшик")
    page.locator("#id_title").fill("Теплица при школе")
    page.locator("#id_text").fill(
        "Теплица, где ученики выращивают рассаду для посадок ТазаLike и овощи для столовой."
    )
    page.locator("#id_surname").fill("Садовая")
    page.locator("#id_name").fill("Асель")
    page.locator("#id_phone").fill("+7 701 300 40 50")
    page.locator("#id_consent").check()
    page.locator("#public-idea-form button[type=submit]").click()
    expect(page.locator("#idea-status")).to_have_attribute("data-status", "submitted")
    code = page.locator("#idea-code").inner_text()
    assert Idea.objects.get().code == code

    # 2. The district's administrator publishes it.
    staff = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ru-RU", base_url=live_server.url
    )
    admin = staff.new_page()
    admin.goto("/projects/ideas/?status=submitted")
    admin.locator("#id_username").fill("district_admin")
    admin.locator("#id_password").fill("correct-horse-battery")
    admin.locator("main button[type=submit]").click()
    admin.locator(f'#ideas-table tr[data-idea="{Idea.objects.get().pk}"] a').click()
    expect(admin.locator("#idea-author")).to_contain_text("+77013004050")
    admin.locator("#moderate-form #id_to").select_option("published")
    admin.locator("#moderate-form button[type=submit]").click()
    expect(admin.locator("#idea-status")).to_have_attribute("data-status", "published")
    staff.close()
    assert any(to == "+77013004050" for to, _text in LocmemSMSBackend.outbox)

    # 3. Another citizen finds it on the list and votes with the code sent by SMS.
    voter = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="kk-KZ", base_url=live_server.url
    ).new_page()
    voter.goto("/ideas/")
    voter.locator(f'#public-ideas [data-idea="{code}"] a').click()
    voter.locator("#vote-form #id_phone").fill("8 747 123 45 67")
    voter.locator("#vote-form button[type=submit]").click()
    voter.locator("#vote-code-form #id_code").fill(_sms_code("+77471234567"))
    voter.locator("#vote-code-form button[type=submit]").click()
    expect(voter.locator("#idea-votes")).to_have_attribute("data-votes", "1")

    # The same phone cannot vote twice, however it is written.
    voter.locator("#vote-form #id_phone").fill("+77471234567")
    voter.locator("#vote-form button[type=submit]").click()
    expect(voter.locator('[data-field="phone"]')).to_be_visible()
    assert Idea.objects.get().votes_count == 1


def test_the_tazalike_map_draws_plantings_without_tiles(page, tree, chair_a, open_contest):
    project = Project.objects.get(code="tazalike")
    planting = greening_services.planting_create(
        actor=chair_a,
        project=project,
        primary=tree.primary_a,
        data=greening_services.PlantingData(
            planted_on=timezone.localdate() - dt.timedelta(days=60),
            settlement=tree.village,
            species="берёза",
            count=20,
            site_kind="street",
            planted_by="волонтёры",
            latitude=Decimal("53.641"),
            longitude=Decimal("69.352"),
        ),
    )
    greening_services.survival_check_add(
        actor=chair_a, planting=planting, checked_on=timezone.localdate(), alive=19
    )
    page.goto("/portal/projects/tazalike/")
    expect(page.locator("#planting-map")).to_have_attribute("data-points", "1")
    expect(page.locator("#planting-map path.map-point")).to_have_count(1)
    page.locator("#planting-map path.map-point").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("берёза × 20")
