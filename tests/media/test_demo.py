"""The demo's news: a year of it from every primary of the demo district, in every state."""

import io

import pytest
from django.core.management import call_command

from pervichka.devdata.demo.orgs import DISTRICT
from pervichka.media.enums import NewsStatus
from pervichka.media.models import NewsItem
from pervichka.orgs.models import OrgUnit


@pytest.mark.django_db
def test_demo_has_a_year_of_news_from_every_primary_in_every_state():
    call_command("seed_demo", stdout=io.StringIO())
    district = OrgUnit.objects.get(kind="district", code=DISTRICT[3])
    primaries = OrgUnit.objects.filter(kind="primary", path__startswith=district.path)
    news = NewsItem.objects.filter(unit__path__startswith=district.path)
    assert {n.unit_id for n in news} == {*primaries.values_list("pk", flat=True), district.pk}
    assert set(news.values_list("status", flat=True)) == set(NewsStatus.values)
    published = news.filter(status=NewsStatus.PUBLISHED)
    assert len(published.dates("published_at", "month")) >= 12
    for primary in primaries:
        assert published.filter(unit=primary).count() >= 9
    # Every item went through the services: its history starts with its creation.
    assert all(n.history.earliest().history_type == "+" for n in news[:20])


@pytest.mark.django_db
def test_demo_has_the_districts_partners_with_news_and_the_portal_shows_them(client):
    from pervichka.devdata.demo.media import PARTNER_NEWS, PARTNERS
    from pervichka.media.models import Partner, PartnerNews

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    district = OrgUnit.objects.get(kind="district", code=DISTRICT[3])
    partners = Partner.objects.filter(district=district)
    assert partners.count() == len(PARTNERS)
    assert partners.filter(is_active=False).count() == 1
    assert PartnerNews.objects.filter(partner__district=district).count() == len(PARTNER_NEWS)
    # Written through the services: each partner has its history.
    assert all(p.history.exists() for p in partners)

    client.cookies["pervichka_language"] = "ru"
    html = client.get("/portal/").content.decode()
    shown, gone = partners.filter(is_active=True), partners.get(is_active=False)
    for partner in shown:
        assert f'data-partner="{partner.pk}"' in html
        assert f'href="{partner.url}"' in html
    assert f'data-partner="{gone.pk}"' not in html
    # The news still within their days on the portal are there; the old harvest's is not.
    assert "Открыт новый мост через Ишим" in html
    assert "Итоги уборочной страды" not in html
    client.cookies["pervichka_language"] = "kk"
    assert "Есіл арқылы жаңа көпір ашылды" in client.get("/portal/").content.decode()
