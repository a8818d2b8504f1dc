"""The district at a glance shows the bands of the primaries from the latest rating, each
linking to the league table filtered to it, fresh after the rating is computed."""

import pytest
from django.urls import reverse

from pervichka.rating import services
from tests.rating.conftest import members, quarter  # noqa: F401
from tests.site.test_dashboard import figure

pytestmark = pytest.mark.django_db


def home(client) -> str:
    return client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_bands_of_the_latest_rating_link_to_the_league_table(
    login,
    tree,
    district_admin,
    other_admin,
    members,  # noqa: F811
    quarter,  # noqa: F811
):
    client = login(district_admin)
    assert 'id="section-rating"' not in home(client)  # no rating yet: no row of zeros
    first = services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    # No cache is cleared by hand: computing the rating makes the figures fresh.
    page = home(client)
    assert figure(page, "rating", "Band E") == "2"  # both primaries scored 0
    assert figure(page, "rating", "Band A") == "0"
    table = reverse("rating:run", args=[first.pk])
    assert f'href="{table}?band=E"' in page
    second = services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    page = home(client)
    assert f'href="{reverse("rating:run", args=[second.pk])}?band=E"' in page
    assert "version 2" in page
    # Another district's administrator counts none of ours.
    assert 'id="section-rating"' not in home(login(other_admin))
