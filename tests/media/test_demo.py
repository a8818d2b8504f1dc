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
