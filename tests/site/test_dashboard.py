"""The district at a glance: the administrator's start page and the monthly report."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from pervichka.appeals import services as appeal_services

pytestmark = pytest.mark.django_db


def figure(page: str, section: str, label: str) -> str:
    """The value printed above `label` in the dashboard's `section`."""
    block = page.split(f'id="section-{section}"', 1)[1].split("</section>", 1)[0]
    match = re.search(
        r'fs-4[^"]*">([^<]+)</div>\s*<div class="small text-body-secondary text-break">'
        + re.escape(label),
        block,
    )
    assert match, f"{label} not in {section}"
    return match.group(1).strip()


def test_the_district_administrator_sees_every_capability_with_links(
    login, district_admin, appeal_a
):
    page = login(district_admin).get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "The district at a glance" in text
    for section in ("orgs", "appeals", "dues", "youth", "promises"):
        assert f'id="section-{section}"' in text
    assert figure(text, "appeals", "Open") == "1"
    assert f'href="{reverse("appeals:list")}?queue=overdue"' in text
    assert f'href="{reverse("appeals:list")}?queue=week"' in text
    assert f'href="{reverse("site:report")}"' in text


def test_the_figures_are_fresh_after_a_write(login, district_admin, operator, register):
    client = login(district_admin)
    register(text="Первое обращение о дороге")
    first = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(first, "appeals", "Open") == "1"
    # No cache is cleared by hand: the write itself makes the figures fresh.
    register(text="Второе обращение об освещении улиц", surname="Другой", iin="")
    second = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(second, "appeals", "Open") == "2"


def test_a_chair_keeps_the_short_start_page_and_gets_no_report(login, chair_a, appeal_a):
    client = login(chair_a)
    page = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The district at a glance" not in page
    assert client.get(reverse("site:report")).status_code == 404


def test_another_district_counts_none_of_ours(login, other_admin, appeal_a):
    page = login(other_admin).get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert figure(page.content.decode(), "appeals", "Open") == "0"


def test_the_monthly_report_prints_and_exports_the_same_figures(login, district_admin, appeal_a):
    client = login(district_admin)
    page = client.get(reverse("site:report"), {"month": "2026-03"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "01.03.2026" in text
    assert "31.03.2026" in text
    assert figure(text, "appeals", "Open") == "1"
    response = client.get(
        reverse("site:report"), {"month": "2026-03", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Section", "Figure", "Value", "Details"]
    assert ["Appeals", "Open", "1", None] in rows


@pytest.mark.parametrize("month", ["9999-12", "abc", "2026-13", "0001-01", ""])
def test_a_strange_month_gives_a_month_not_an_error(login, district_admin, month):
    page = login(district_admin).get(reverse("site:report"), {"month": month})
    assert page.status_code == 200


def test_a_step_of_the_workflow_moves_the_open_figure(login, district_admin, appeal_a):
    client = login(district_admin)
    before = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(before, "appeals", "Open") == "1"
    appeal_services.appeal_act(
        actor=district_admin,
        appeal=appeal_a,
        action="redirect",
        data={"to": "Акимат района", "reason": "Вопрос в ведении акимата"},
    )
    after = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(after, "appeals", "Open") == "0"


def test_the_chair_of_another_primary_gets_404_on_the_report(login, chair_b, appeal_a):
    client = login(chair_b)
    assert client.get(reverse("site:report")).status_code == 404
    assert client.get(reverse("site:report"), {"format": "xlsx"}).status_code == 404


def test_another_districts_report_counts_none_of_ours(login, other_admin, appeal_a):
    page = login(other_admin).get(reverse("site:report"), HTTP_ACCEPT_LANGUAGE="en")
    assert figure(page.content.decode(), "appeals", "Open") == "0"
