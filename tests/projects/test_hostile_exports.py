"""Event titles, volunteers' surnames, plantings and public idea titles export as text."""

import pytest

from tests.hostile import FORMULA, PLUS, SUM, assert_inert

pytestmark = pytest.mark.hostile


def test_event_title_exports_as_text(make_event, login, chair_a):
    make_event(title=FORMULA, results=SUM)
    content = login(chair_a).get("/projects/events/?format=xlsx").content
    assert_inert(content, FORMULA)
    assert_inert(content, SUM)


def test_volunteer_surname_exports_as_text(make_event, person_data, login, chair_a):
    from pervichka.projects import services

    event = make_event()
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=2, data=person_data(surname=SUM)
    )
    assert_inert(login(chair_a).get("/projects/volunteers/?format=xlsx").content, SUM)


def test_planting_species_exports_as_text(make_planting, login, chair_a):
    make_planting(species=PLUS)
    assert_inert(login(chair_a).get("/projects/plantings/?format=xlsx").content, PLUS)


def test_public_idea_title_exports_as_text_in_the_shortlist(
    submit_idea, contest, district_admin, login
):
    from pervichka.ideas import services as ideas

    title = PLUS + " fountains"
    idea = submit_idea(title=title)
    ideas.idea_moderate(actor=district_admin, idea=idea, to="published")
    response = login(district_admin).get(f"/projects/contests/{contest.pk}/shortlist/?format=xlsx")
    assert_inert(response.content, title)
