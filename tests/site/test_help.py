"""Issue 14, point 10: the user guide in ru, kk and en, from a Help item of the staff menu,
opening at the section of the page the user is on."""

import re

import pytest
from django.urls import reverse

from pervichka.site import help as guide_help


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_guide_has_the_sections_in_the_same_order(language):
    html, headings = guide_help.guide(language)
    assert [anchor for _level, anchor, _title in headings] == guide_help.SECTIONS
    assert 'id="deadlines"' in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Сроки"), ("kk", "Мерзімдер"), ("en", "Deadlines")],
)
def test_the_help_page_is_in_the_users_language(district_admin, login, language, heading):
    page = login(district_admin).get(reverse("site:help"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    assert f'<h3 id="deadlines">{heading}</h3>' in page.content.decode()


def test_the_menu_links_to_help_from_the_page_the_user_is_on(district_admin, login):
    client = login(district_admin)
    page = client.get(reverse("appeals:list")).content.decode()
    assert f"{reverse('site:help')}?from=appeals%3Alist" in page
    response = client.get(reverse("site:help"), {"from": "appeals:list"})
    assert response["Location"] == reverse("site:help") + "#appeals"
    response = client.get(reverse("site:help"), {"from": "people:import"})
    assert response["Location"] == reverse("site:help") + "#import"
    response = client.get(reverse("site:help"), {"from": "javascript:alert(1)"})
    assert response["Location"] == reverse("site:help")


def test_help_needs_a_login(client):
    response = client.get(reverse("site:help"))
    assert response.status_code == 302


def test_raw_html_in_a_guide_is_never_rendered():
    html, _headings = guide_help.render_markdown(
        "# T\n\n<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<script>" not in html
    assert "<img" not in html  # escaped as text, never a tag
    assert 'href="javascript' not in html


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_guide_shows_the_screenshots_and_they_exist(district_admin, login, language):
    """Where a picture explains faster (issue 14, point 10): the same phone screenshots in
    every language's guide, served from static/pervichka/help/."""
    from pathlib import Path

    from django.conf import settings

    client = login(district_admin)
    client.post(reverse("set_language"), {"language": language})
    page = client.get(reverse("site:help")).content.decode()
    shots = sorted(set(re.findall(r'<img src="/static/pervichka/help/([\w-]+\.png)"', page)))
    assert shots == [
        "appeals-list-360.png",
        "district-dashboard-360.png",
        "member-import-360.png",
    ]
    for name in shots:
        assert (Path(settings.BASE_DIR) / "static" / "pervichka" / "help" / name).is_file()
