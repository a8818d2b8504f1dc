"""Project pages as their users meet them, the public portal's contest, and the API over real
HTTP. Who may not reach what is in tests/test_authorization*.py (the matrices)."""

import datetime as dt
import re

import pytest

from tests import clock
from tests.api.conftest import api_as as api_as  # a fixture
from tests.projects.conftest import LAT, LON

TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


@pytest.mark.django_db
def test_a_planting_and_its_check_show_on_the_map_and_in_the_totals(
    login, chair_a, tree, village, projects
):
    client = login(chair_a)
    response = client.post(
        "/projects/plantings/new/",
        {
            "primary": tree.primary_a.pk,
            "planted_on": (TODAY - dt.timedelta(days=90)).isoformat(),
            "settlement": village.pk,
            "site_kind": "roadside",
            "species": "вяз",
            "count": "40",
            "planted_by": "школьники",
            "latitude": str(LAT),
            "longitude": str(LON),
        },
    )
    assert response.status_code == 302
    client.post(response.url, {"checked_on": TODAY.isoformat(), "alive": "30"})
    page = client.get(response.url).content.decode()
    assert 'data-rate="75"' in page
    project_page = client.get(f"/projects/tazalike/?year={TODAY.year}").content.decode()
    points = re.search(r'id="map-points"[^>]*>(.*?)</script>', project_page).group(1)
    assert '"colour": "amber"' in points
    assert '"survival": 75' in points


@pytest.mark.django_db
def test_the_map_works_without_tiles_and_lets_the_tile_server_into_the_policy(settings):
    from pervichka.core.middleware import content_security_policy

    settings.PERVICHKA_MAP_TILES = ""
    assert "tile.openstreetmap.org" not in content_security_policy()
    settings.PERVICHKA_MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://tile.openstreetmap.org" in content_security_policy()
