"""Project pages as their users meet them, the public portal's contest, and the API over real
HTTP. Who may not reach what is in tests/test_authorization*.py (the matrices)."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pervichka.projects.models import Event
from tests import clock
from tests.api.conftest import api_as as api_as  # a fixture
from tests.projects.conftest import PNG

TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


def _taking_part(html: str) -> list[str]:
    table = re.search(r'id="participations"(.*?)</table>', html, re.S).group(1)
    return re.findall(r'data-primary="(\d+)"', table)


def _card_link(page: str, code: str) -> str:
    card = page[page.index(f'data-project="{code}"') :]
    return re.search(r'<h2 class="h5"><a href="([^"]+)"', card).group(1)


@pytest.mark.django_db
def test_a_chair_plans_holds_and_records_an_event_from_the_pages(
    login, chair_a, tree, village, projects
):
    client = login(chair_a)
    response = client.post(
        "/projects/events/new/",
        {
            "project": projects["orleu"].pk,
            "primary": tree.primary_a.pk,
            "title": "Футбольный турнир",
            "date": (TODAY - dt.timedelta(days=1)).isoformat(),
            "settlement": village.pk,
            "latitude": "53.64",
            "longitude": "69.35",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == f"/projects/events/{event.pk}/"
    client.post(f"/projects/events/{event.pk}/status/", {"status": "held", "results": "8 команд"})
    client.post(
        f"/projects/events/{event.pk}/participant/",
        {
            "surname": "Волонтёрова",
            "name": "Айым",
            "role": "volunteer",
            "hours": "4",
            "consent_method": "paper",
        },
    )
    client.post(
        f"/projects/events/{event.pk}/photo/",
        {"file": SimpleUploadedFile("match.png", PNG), "caption": "Финал"},
    )
    page = client.get(f"/projects/events/{event.pk}/").content.decode()
    assert 'data-status="held"' in page
    assert "Волонтёрова" in page
    assert "8 команд" in page
    photo = event.photos.get()
    image = client.get(f"/projects/events/{event.pk}/photos/{photo.pk}/")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    volunteers = client.get("/projects/volunteers/").content.decode()
    assert "Волонтёрова" in volunteers
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/projects/events/?format=xlsx").content)
    ).active
    rows = list(sheet.values)
    assert rows[1][3] == "Футбольный турнир"
    assert rows[1][7] == 4  # volunteer hours


@pytest.mark.django_db
def test_bad_event_input_shows_a_message_and_stores_nothing(login, chair_a, tree, projects):
    response = login(chair_a).post(
        "/projects/events/new/",
        {
            "project": projects["socium"].pk,
            "primary": tree.primary_a.pk,
            "title": "Ярмарка",
            "date": TODAY.isoformat(),
            "latitude": "40.71",
            "longitude": "-74.00",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "за пределами Казахстана" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_district_sets_a_target_and_sees_progress(login, district_admin, tree, make_event):
    make_event(project="socium")
    client = login(district_admin)
    client.post(
        f"/projects/socium/targets/{tree.district.pk}/?year={TODAY.year}",
        {"kpi": "events_held", "target": "4"},
    )
    page = client.get(f"/projects/socium/?unit={tree.district.pk}&year={TODAY.year}")
    html = page.content.decode()
    row = re.search(r'data-kpi="events_held">(.*?)</tr>', html, re.S).group(1)
    assert 'aria-valuenow="25"' in row


@pytest.mark.django_db
def test_public_project_pages_show_what_was_done_without_personal_data(
    client, make_event, make_planting, chair_a, person_data
):
    from pervichka.projects import services

    event = make_event(project="tazalike", title="Посадка берёз у школы")
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=2, data=person_data(surname="Скрытова")
    )
    make_planting(count=35, days_ago=1)
    home = client.get("/portal/projects/").content.decode()
    assert "35" in home
    page = client.get("/portal/projects/tazalike/").content.decode()
    assert "Посадка берёз у школы" in page
    assert "Скрытова" not in page
    assert 'data-map="map-points"' in page


@pytest.mark.django_db(transaction=True)
def test_projects_api_over_http(api_as, tree, chair_a, chair_b, village, projects):
    api = api_as(chair_a, language="en")
    created = api.post(
        "/projects/events",
        json={
            "project": "tazalike",
            "primary_id": tree.primary_a.pk,
            "title": "Посадка",
            "date": (TODAY - dt.timedelta(days=2)).isoformat(),
            "settlement_id": village.pk,
        },
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    assert (
        api.post(f"/projects/events/{event_id}/status", json={"status": "held"}).status_code == 200
    )
    person = api.post(
        f"/projects/events/{event_id}/participants",
        json={"surname": "Апиева", "name": "Дана", "consent_method": "paper", "hours": "3"},
    )
    assert person.status_code == 201, person.text
    bad = api.post(
        "/projects/plantings",
        json={
            "primary_id": tree.primary_a.pk,
            "planted_on": TODAY.isoformat(),
            "settlement_id": village.pk,
            "species": "клён",
            "count": 10,
            "site_kind": "school",
            "planted_by": "школьники",
            "latitude": "69.35",
            "longitude": "53.64",
        },
    )
    assert bad.status_code == 422
    assert "outside Kazakhstan" in bad.json()["errors"]["latitude"][0]
    planting = api.post(
        "/projects/plantings",
        json={
            "primary_id": tree.primary_a.pk,
            "planted_on": TODAY.isoformat(),
            "settlement_id": village.pk,
            "species": "клён",
            "count": 10,
            "site_kind": "school",
            "planted_by": "школьники",
            "event_id": event_id,
        },
    )
    assert planting.status_code == 201, planting.text
    checked = api.post(
        f"/projects/plantings/{planting.json()['id']}/checks",
        json={"checked_on": TODAY.isoformat(), "alive": 9},
    )
    assert checked.json()["survival_rate"] == 0.9
    progress = api.get(f"/projects/tazalike/progress/{tree.primary_a.pk}?year={TODAY.year}")
    figures = {row["kpi"]: row["actual"] for row in progress.json()}
    assert figures["trees_planted"] == 10
    assert figures["tree_survival_rate"] == 90
    assert figures["volunteer_hours"] == 3
    outsider = api_as(chair_b, language="en")
    assert outsider.get(f"/projects/events/{event_id}").status_code == 404
    assert outsider.get("/projects/events").json()["items"] == []


@pytest.mark.django_db
def test_a_chair_joins_and_leaves_a_project_from_its_page(
    login, chair_a, chair_b, other_admin, tree, projects
):
    a = str(tree.primary_a.pk)
    client = login(chair_a)
    page = client.get("/projects/socium/").content.decode()
    assert f'data-participation="{a}" data-joined="no"' in page
    assert _taking_part(page) == []
    joined = client.post(f"/projects/socium/participations/{a}/join/")
    assert (joined.status_code, joined.url) == (302, "/projects/socium/")
    page = client.get("/projects/socium/").content.decode()
    assert f'data-participation="{a}" data-joined="yes"' in page
    assert _taking_part(page) == [a]
    assert (
        "Leave the project"
        in client.get("/projects/socium/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    # The chair of primary B and another district's administrator see none of it and can
    # neither leave nor join for primary A.
    for outsider in (chair_b, other_admin):
        other = login(outsider)
        assert _taking_part(other.get("/projects/socium/").content.decode()) == []
        assert other.post(f"/projects/socium/participations/{a}/leave/").status_code == 404
        assert other.post(f"/projects/orleu/participations/{a}/join/").status_code == 404
    assert not tree.primary_a.project_participations.filter(project__code="orleu").exists()
    client = login(chair_a)
    left = client.post(f"/projects/socium/participations/{a}/leave/")
    assert left.status_code == 302
    participation = tree.primary_a.project_participations.get(project__code="socium")
    assert participation.left_on == TODAY
    assert _taking_part(client.get("/projects/socium/").content.decode()) == []
    assert client.post(f"/projects/socium/participations/{a}/leave/").status_code == 404


@pytest.mark.django_db
def test_the_district_sees_every_primary_taking_part_and_joins_on_a_primarys_view(
    login, district_admin, chair_b, tree, make_event
):
    make_event(project="socium")  # an event joins primary A
    client = login(district_admin)
    page = client.get("/projects/socium/").content.decode()
    assert _taking_part(page) == [str(tree.primary_a.pk)]
    assert "data-participation=" not in page  # no buttons for every primary of the district
    view = f"/projects/socium/?unit={tree.primary_b.pk}"
    assert f'data-participation="{tree.primary_b.pk}" data-joined="no"' in (
        client.get(view).content.decode()
    )
    joined = client.post(
        f"/projects/socium/participations/{tree.primary_b.pk}/join/", {"unit": tree.primary_b.pk}
    )
    assert joined.url == view
    assert sorted(_taking_part(client.get("/projects/socium/").content.decode())) == sorted(
        [str(tree.primary_a.pk), str(tree.primary_b.pk)]
    )
    # Primary B's chair sees B only.
    assert _taking_part(login(chair_b).get("/projects/socium/").content.decode()) == [
        str(tree.primary_b.pk)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_primary_joins_and_leaves_a_project_over_the_api(
    api_as, tree, chair_a, chair_b, projects
):
    api = api_as(chair_a, language="en")
    joined = api.post("/projects/orleu/participations", json={"primary_id": tree.primary_a.pk})
    assert joined.status_code == 201, joined.text
    assert joined.json() == {
        "project": "orleu",
        "primary_id": tree.primary_a.pk,
        "primary": "ППО Талшик",
        "joined_on": TODAY.isoformat(),
        "left_on": None,
    }
    again = api.post("/projects/orleu/participations", json={"primary_id": tree.primary_a.pk})
    assert again.status_code == 201
    assert again.json()["joined_on"] == TODAY.isoformat()
    outsider = api_as(chair_b, language="en")
    assert (
        outsider.post(
            "/projects/orleu/participations", json={"primary_id": tree.primary_a.pk}
        ).status_code
        == 404
    )
    leave = f"/projects/orleu/participations/{tree.primary_a.pk}/leave"
    assert outsider.post(leave, json={}).status_code == 404
    assert api.post("/projects/nope/participations", json={"primary_id": 1}).status_code == 404
    left = api.post(leave)
    assert left.status_code == 200, left.text
    assert left.json()["left_on"] == TODAY.isoformat()
    assert api.post(leave, json={}).status_code == 404  # not taking part any more


@pytest.mark.django_db
def test_only_volunteers_and_organizers_count_as_volunteers_and_their_hours(
    login, chair_a, chair_b, tree, make_event, person_data
):
    from pervichka.core.kpis import Period, compute
    from pervichka.projects import services

    event = make_event(project="socium")
    for surname, role, hours in (
        ("Волонтёрова", "volunteer", 3),
        ("Организаторов", "organizer", 2),
        ("Зрителев", "participant", 1),
    ):
        services.participant_add(
            actor=chair_a, event=event, role=role, hours=hours, data=person_data(surname=surname)
        )
    client = login(chair_a)
    page = client.get("/projects/volunteers/").content.decode()
    assert "Волонтёрова" in page
    assert "Организаторов" in page
    assert "Зрителев" not in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/projects/volunteers/?format=xlsx").content)
    ).active
    assert [(row[0].split()[0], row[2]) for row in list(sheet.values)[1:]] == [
        ("Волонтёрова", 3),
        ("Организаторов", 2),
    ]
    event_page = client.get(f"/projects/events/{event.pk}/").content.decode()
    assert 'id="stat-people">3<' in event_page
    assert 'id="stat-hours">5<' in event_page
    events_sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/projects/events/?format=xlsx").content)
    ).active
    assert list(events_sheet.values)[1][6:8] == (3, 5)  # participants, volunteer hours
    period = Period(TODAY - dt.timedelta(days=30), TODAY)
    units = [tree.district.pk, tree.primary_a.pk]
    assert compute("volunteer_hours", units, period) == {
        tree.district.pk: 5.0,
        tree.primary_a.pk: 5.0,
    }
    progress = client.get(f"/projects/socium/?year={TODAY.year}").content.decode()
    actual = dict(
        re.findall(r'data-kpi="(\w+)"><td>[^<]*</td><td[^>]*data-actual>([^<]*)<', progress)
    )
    assert (actual["participants"], actual["volunteer_hours"]) == ("3", "5")
    outsider = login(chair_b).get("/projects/volunteers/").content.decode()
    assert "Волонтёрова" not in outsider


def test_a_volunteer_history_and_the_exports(
    login, chair_a, chair_b, district_admin, tree, make_event, make_planting, person_data, contest
):
    from pervichka.people.models import Person
    from pervichka.projects import services

    event = make_event(project="socium", title="Субботник у клуба")
    services.participant_add(
        actor=chair_a,
        event=event,
        role="volunteer",
        hours=4,
        data=person_data(surname="Помощникова"),
    )
    make_planting(count=30, species="тополь")
    volunteer = Person.objects.get(surname="Помощникова")
    client = login(chair_a)
    history = client.get(f"/projects/volunteers/{volunteer.pk}/").content.decode()
    assert "Субботник у клуба" in history
    assert login(chair_b).get(f"/projects/volunteers/{volunteer.pk}/").status_code == 404
    plantings = openpyxl.load_workbook(
        io.BytesIO(login(chair_a).get("/projects/plantings/?format=xlsx").content)
    ).active
    assert any("тополь" in str(cell) for row in plantings.values for cell in row)
    admin = login(district_admin)
    shortlist = admin.get(f"/projects/contests/{contest.pk}/shortlist/?format=xlsx")
    assert shortlist["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    # Социум plants no trees: its target form offers only its own indicators.
    form = admin.get(f"/projects/socium/?year={TODAY.year}&unit={tree.district.pk}")
    offered = [k for k, _label in form.context["target_form"].fields["kpi"].choices]
    assert "events_held" in offered
    assert "trees_planted" not in offered
    assert "ideas_submitted" not in offered
    months = admin.get(f"/projects/socium/?year={TODAY.year}").context["months"]
    assert not months["labels"][0].isdigit()  # month names ("Янв"), not numbers


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "at"),
    [
        ("chair", "primary_a"),
        ("treasurer", "district"),
        ("deputy", "district"),
        ("youth_worker", "district"),
        ("auditor", "district"),
    ],
)
def test_the_catalog_leads_who_does_not_judge_ideas_to_the_public_contest(
    login, tree, contest, published_idea, role, at
):
    from tests.factories import UserFactory, grant

    client = login(grant(UserFactory(username=role), role, getattr(tree, at)))
    link = _card_link(client.get("/projects/").content.decode(), "ideas30")
    assert link == "/ideas/"
    page = client.get(link)
    assert page.status_code == 200
    assert published_idea.title in page.content.decode()
    # The staff address, typed or bookmarked, leads to the same public page.
    assert client.get("/projects/ideas30/", follow=True).redirect_chain == [("/ideas/", 302)]


@pytest.mark.django_db
def test_the_catalog_leads_the_district_to_moderation_of_the_contest(
    login, district_admin, contest, published_idea
):
    client = login(district_admin)
    link = _card_link(client.get("/projects/").content.decode(), "ideas30")
    assert link == "/projects/ideas30/"
    page = client.get(link, follow=True)
    assert page.redirect_chain == [("/projects/ideas/", 302)]
    assert f'data-idea="{published_idea.pk}"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_coordinates_are_written_with_a_dot_in_every_language(login, chair_a, make_event, language):
    event = make_event()
    page = login(chair_a).get(f"/projects/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert "53.640000, 69.350000" in html
    assert "53,640000" not in html
