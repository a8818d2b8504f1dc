"""Segments counted against hand counts, meetings planned and held, questions turned into
appeals, and scope: a chair of another primary or an admin of another district gets 404."""

import datetime as dt
import itertools

import pytest
from django.utils import translation

from pervichka.appeals.models import Appeal
from pervichka.core.iin import generate_iin
from pervichka.core.kpis import Period, compute
from pervichka.outreach import selectors, services
from pervichka.outreach.enums import CitizenCategory, Membership
from pervichka.outreach.models import Meeting, MeetingQuestion, Segment
from tests.factories import MembershipFactory, PersonFactory

TODAY = dt.date(2026, 12, 7)  # tests/clock.py
_serial = itertools.count(100)


def person(unit, born: dt.date, sex: str = "M", settlement=None, member: bool = False):
    iin = generate_iin(born, sex, serial=next(_serial))
    if member:
        return MembershipFactory(
            primary=unit, person__iin=iin, person__settlement=settlement
        ).person
    return PersonFactory(unit=unit, iin=iin, settlement=settlement)


@pytest.fixture(autouse=True)
def _english():
    # The messages asserted below are the English source texts.
    with translation.override("en"):
        yield


@pytest.fixture
def people(tree):
    """Primary A's village Талшик: two pensioners (a man of 70, a woman of 62), a woman of
    60, a young member of 20, a man of 40 from a large family; primary B: a pensioner."""
    a, village = tree.primary_a, tree.village
    return {
        "old_man": person(a, dt.date(1956, 3, 1), "M", village),
        "woman_62": person(a, dt.date(1964, 5, 5), "F", village),
        "woman_60": person(a, dt.date(1966, 5, 5), "F", village),
        "young": person(a, dt.date(2006, 1, 1), "M", village, member=True),
        "large": person(a, dt.date(1986, 1, 1), "M", None),
        "b_pensioner": person(tree.primary_b, dt.date(1950, 1, 1), "M", village),
    }


def segment(unit, **filters) -> Segment:
    settlements = filters.pop("settlements", [])
    seg = Segment.objects.create(unit=unit, name="s", **filters)
    seg.settlements.set(settlements)
    return seg


def test_derived_and_recorded_categories_match_hand_counts(tree, people, district_admin, chair_a):
    services.category_record(
        actor=chair_a,
        person=people["large"],
        category=CitizenCategory.LARGE_FAMILY,
        source="document",
        noted_on=TODAY,
    )
    pensioners = segment(tree.district, categories=[CitizenCategory.PENSIONER])
    # By hand: the man of 70, the woman of 62 (women from 61), B's man of 76; not the woman of 60.
    assert set(selectors.segment_people(district_admin, pensioners)) == {
        people["old_man"],
        people["woman_62"],
        people["b_pensioner"],
    }
    # The chair of A sees only A's people.
    assert selectors.segment_count(chair_a, pensioners) == 2
    either = segment(
        tree.primary_a, categories=[CitizenCategory.YOUTH, CitizenCategory.LARGE_FAMILY]
    )
    assert set(selectors.segment_people(chair_a, either)) == {people["young"], people["large"]}
    members = segment(tree.primary_a, membership=Membership.MEMBERS)
    assert list(selectors.segment_people(chair_a, members)) == [people["young"]]
    in_village_aged = segment(tree.primary_a, settlements=[tree.village], age_min=55, age_max=65)
    assert set(selectors.segment_people(chair_a, in_village_aged)) == {
        people["woman_62"],
        people["woman_60"],
    }
    assert selectors.categories_of(people["large"]) == [CitizenCategory.LARGE_FAMILY]


def test_a_fixed_list_keeps_its_people(tree, people, chair_a):
    seg = segment(tree.primary_a, categories=[CitizenCategory.PENSIONER])
    services.segment_save(actor=chair_a, segment=seg)
    frozen = services.segment_freeze(actor=chair_a, segment=seg, name="Pensioners, December")
    assert selectors.segment_count(chair_a, frozen) == 2
    # A new pensioner joins the segment, not the fixed list.
    person(tree.primary_a, dt.date(1940, 1, 1), "M", tree.village)
    assert selectors.segment_count(chair_a, seg) == 3
    assert selectors.segment_count(chair_a, frozen) == 2


def test_segment_rules(tree, chair_a):
    seg = Segment(unit=tree.primary_a, name="x", categories=["astronaut"])
    with pytest.raises(Exception, match="Unknown category"):
        services.segment_save(actor=chair_a, segment=seg)
    seg = Segment(unit=tree.primary_a, name="x")
    with pytest.raises(Exception, match="not in this unit's district"):
        services.segment_save(actor=chair_a, segment=seg, settlements=[tree.other_village])


def test_segment_pages_and_scope(tree, people, login, chair_a, chair_b, other_admin):
    client = login(chair_a)
    response = client.post(
        "/outreach/segments/new/",
        {
            "unit": tree.primary_a.pk,
            "name": "Пенсионеры Талшика",
            "categories": ["pensioner"],
            "settlements": [tree.village.pk],
            "membership": "any",
        },
    )
    seg = Segment.objects.get(name="Пенсионеры Талшика")
    assert response.status_code == 302
    page = client.get(f"/outreach/segments/{seg.pk}/")
    assert page.status_code == 200
    assert page.context["count"] == 2
    assert people["old_man"].full_name in page.content.decode()
    # Another primary's chair and another district's admin: 404, and nothing changes.
    for user in (chair_b, other_admin):
        other = login(user)
        assert other.get(f"/outreach/segments/{seg.pk}/").status_code == 404
        assert other.post(f"/outreach/segments/{seg.pk}/", {"action": "delete"}).status_code == 404
        assert seg.pk not in [s.pk for s, _ in other.get("/outreach/").context["rows"]]
    assert Segment.objects.filter(pk=seg.pk).exists()
    # A chair cannot create a segment for another primary.
    response = login(chair_b).post(
        "/outreach/segments/new/", {"unit": tree.primary_a.pk, "name": "x", "membership": "any"}
    )
    assert response.status_code == 200
    assert not Segment.objects.filter(name="x").exists()


def test_meetings_plan_against_fact(tree, chair_a, district_admin):
    def meeting(**kw):
        return services.meeting_save(
            actor=chair_a,
            meeting=Meeting(
                unit=tree.primary_a,
                kind="meeting",
                topic="Дороги",
                settlement=tree.village,
                **kw,
            ),
        )

    meeting(planned_for=dt.date(2026, 11, 10), held_on=dt.date(2026, 11, 12), people_reached=30)
    meeting(planned_for=dt.date(2026, 11, 20))  # planned, never held
    meeting(held_on=dt.date(2026, 11, 25), people_reached=12)  # held without a plan
    meeting(planned_for=dt.date(2026, 12, 20))
    rows = {r.month.month: r for r in selectors.plan_vs_fact(district_admin, 2026)}
    assert (rows[11].planned, rows[11].held, rows[11].held_as_planned) == (2, 2, 1)
    assert rows[11].people_reached == 42
    assert (rows[12].planned, rows[12].held) == (1, 0)
    with pytest.raises(Exception, match="future"):
        meeting(held_on=dt.date(2026, 12, 20))
    with pytest.raises(Exception, match="planned for"):
        meeting()
    # The rating's figures: 1 of 2 planned in November held; 42 reached per 1 member.
    period = Period.month(2026, 11)
    assert compute("meetings_held_against_plan", [tree.primary_a.pk], period) == {
        tree.primary_a.pk: 0.5
    }
    MembershipFactory(primary=tree.primary_a)
    assert compute("residents_reached_per_100", [tree.primary_a.pk], period)[
        tree.primary_a.pk
    ] == pytest.approx(4200.0)


def test_a_question_becomes_an_appeal_in_one_step(
    tree, chair_a, operator, login, categories, other_admin
):
    held = services.meeting_save(
        actor=chair_a,
        meeting=Meeting(
            unit=tree.primary_a,
            kind="visit",
            topic="Обход",
            settlement=tree.village,
            held_on=dt.date(2026, 12, 1),
            people_reached=8,
        ),
    )
    with pytest.raises(Exception, match="consent"):
        services.question_add(
            actor=chair_a, meeting=held, text="Нет света", surname="Ким", name="Олег"
        )
    question = services.question_add(
        actor=chair_a,
        meeting=held,
        text="Нет уличного освещения на улице Абая",
        surname="Ким",
        name="Олег",
        phone="+77011112233",
        consent=True,
    )
    # The chair may not register appeals of the district: the page says who does.
    page = login(chair_a).get(f"/outreach/meetings/{held.pk}/").content.decode()
    url = f"/outreach/meetings/{held.pk}/questions/{question.pk}/appeal/"
    assert url not in page
    assert "Оператор района зарегистрирует его как обращение." in page
    assert url in login(operator).get(f"/outreach/meetings/{held.pk}/").content.decode()
    # Another district's admin: 404, nothing registered.
    assert login(other_admin).post(url, {"category": categories["utilities"].pk}).status_code == 404
    assert Appeal.objects.count() == 0
    response = login(operator).post(url, {"category": categories["utilities"].pk})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == "meeting"
    assert appeal.text.startswith("Нет уличного")
    assert MeetingQuestion.objects.get().appeal == appeal
    # Twice is refused, not a second appeal.
    login(operator).post(url, {"category": categories["utilities"].pk})
    assert Appeal.objects.count() == 1
    share = compute("questions_to_appeals", [tree.primary_a.pk], Period.month(2026, 12))
    assert share == {tree.primary_a.pk: 1.0}


def test_meeting_pages_scope(tree, login, chair_a, chair_b, other_admin):
    client = login(chair_a)
    response = client.post(
        "/outreach/meetings/new/",
        {
            "unit": tree.primary_a.pk,
            "kind": "meeting",
            "topic": "Встреча с пенсионерами",
            "settlement": tree.village.pk,
            "planned_for": "2026-12-15",
            "categories": ["pensioner"],
            "people_reached": 0,
        },
    )
    assert response.status_code == 302, response.content
    held = Meeting.objects.get()
    assert client.get("/outreach/meetings/").status_code == 200
    for user in (chair_b, other_admin):
        other = login(user)
        assert other.get(f"/outreach/meetings/{held.pk}/").status_code == 404
        assert (
            other.post(
                f"/outreach/meetings/{held.pk}/", {"action": "save", "topic": "x"}
            ).status_code
            == 404
        )
        assert held.pk not in [m.pk for m in other.get("/outreach/meetings/").context["page"]]
    assert Meeting.objects.get().topic == "Встреча с пенсионерами"


def test_categories_page_scope(tree, people, login, chair_a, chair_b):
    url = f"/outreach/people/{people['large'].pk}/categories/"
    response = login(chair_a).post(
        url, {"category": "veteran", "source": "document", "noted_on": "2026-12-01"}
    )
    assert response.status_code == 302
    assert login(chair_b).get(url).status_code == 404
    assert (
        login(chair_b)
        .post(url, {"category": "farmer", "source": "self", "noted_on": "2026-12-01"})
        .status_code
        == 404
    )
    assert selectors.categories_of(people["large"]) == ["veteran"]
