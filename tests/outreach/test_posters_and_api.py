"""The poster of a field reception (date, place, who receives, QR codes of the primary's
bot and of the portal's page) and the outreach API (categories, segments with count and
sample, meetings, questions), scoped: another primary's chair and another district's
get 404 and change nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pervichka.appeals.models import FieldReception
from pervichka.appeals.selectors import bot_deep_link
from pervichka.core.iin import generate_iin
from pervichka.orgs.models import OrgUnit
from pervichka.outreach import services
from pervichka.outreach.models import Meeting, MeetingQuestion, PersonCategory, Segment
from tests.factories import PersonFactory

NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 0))  # tests/clock.py


@pytest.fixture
def reception(tree):
    host = PersonFactory(unit=tree.district, surname="Жаксыбеков", name="Ерлан", patronymic="")
    r = FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Сельский клуб",
        hosts_note="<script>alert(1)</script> депутат маслихата",
        starts_at=NOW + dt.timedelta(days=2, hours=1),
    )
    r.hosts.set([host])
    return r


def poster(reception, primary):
    return reverse("outreach:reception_poster", args=[reception.pk, primary.pk])


def test_poster_has_the_date_place_hosts_and_two_qr_codes(
    tree, reception, chair_a, login, settings
):
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = "@akzhar_bot"
    OrgUnit.objects.filter(pk=tree.primary_a.pk).update(code="AKZ-TAL")
    response = login(chair_a).get(poster(reception, tree.primary_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "9 декабря 2026 г., 11:00" in html
    assert "Талшик, Сельский клуб" in html
    assert "Жаксыбеков Ерлан" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; депутат маслихата" in html
    assert "<script>alert" not in html
    assert html.count('class="segno"') == 2
    assert f"https://t.me/akzhar_bot?start=p{tree.primary_a.pk}" in html
    assert f"/receptions/#reception-{reception.pk}" in html


def test_poster_without_a_bot_username_has_only_the_portal_qr(tree, reception, chair_a, login):
    html = login(chair_a).get(poster(reception, tree.primary_a)).content.decode()
    assert html.count('class="segno"') == 1
    assert "t.me/" not in html


def test_deep_link_needs_the_bot(tree, settings):
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = "akzhar_bot"
    unit = tree.primary_a
    assert bot_deep_link(unit) == f"https://t.me/akzhar_bot?start=p{unit.pk}"
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = ""
    assert bot_deep_link(unit) == ""


def test_poster_of_another_primary_is_404(tree, reception, chair_b, chair_a, login):
    assert login(chair_b).get(poster(reception, tree.primary_a)).status_code == 404
    # Primary B's own poster of the district's public reception in its village is fine.
    assert login(chair_b).get(poster(reception, tree.primary_b)).status_code == 200
    # A reception kept off the portal gets no poster (a poster announces it).
    reception.is_public = False
    reception.save()
    assert login(chair_a).get(poster(reception, tree.primary_a)).status_code == 404


def test_poster_of_a_reception_in_another_district_is_404(tree, reception, other_admin, login):
    client = login(other_admin)
    assert client.get(poster(reception, tree.primary_c)).status_code == 404
    assert client.get(poster(reception, tree.primary_a)).status_code == 404
    page = client.get(reverse("outreach:receptions")).content.decode()
    assert "Сельский клуб" not in page


def test_receptions_page_lists_upcoming_receptions_with_poster_links(
    tree, reception, chair_a, login
):
    page = login(chair_a).get(reverse("outreach:receptions")).content.decode()
    assert "Сельский клуб" in page
    assert poster(reception, tree.primary_a) in page
    assert poster(reception, tree.primary_b) not in page


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def outreach_data(tree, chair_a):
    iin = generate_iin(dt.date(1950, 1, 1), "M", serial=901)
    old = PersonFactory(unit=tree.primary_a, settlement=tree.village, iin=iin)
    PersonCategory.objects.create(
        person=old, category="veteran", source="document", noted_on=dt.date(2026, 1, 1)
    )
    segment = services.segment_save(
        actor=chair_a,
        segment=Segment(unit=tree.primary_a, name="Пенсионеры Талшика", categories=["pensioner"]),
        settlements=[tree.village],
    )
    meeting = services.meeting_save(
        actor=chair_a,
        meeting=Meeting(
            unit=tree.primary_a,
            kind="meeting",
            topic="Встреча с пенсионерами",
            settlement=tree.village,
            held_on=dt.date(2026, 12, 1),
            people_reached=12,
        ),
    )
    return {"old": old, "segment": segment, "meeting": meeting}


def test_api_categories_segments_count_and_sample(tree, chair_a, login, outreach_data):
    client = login(chair_a)
    old = outreach_data["old"]
    body = client.get(f"/api/v1/outreach/persons/{old.pk}/categories").json()
    assert [(c["code"], c["recorded"]) for c in body["categories"]] == [
        ("pensioner", False),
        ("veteran", True),
    ]
    seg = outreach_data["segment"]
    listed = client.get("/api/v1/outreach/segments").json()
    assert [s["name"] for s in listed["items"]] == ["Пенсионеры Талшика"]
    assert listed["items"][0]["settlement_ids"] == [tree.village.pk]
    assert client.get(f"/api/v1/outreach/segments/{seg.pk}/count").json() == {
        "segment_id": seg.pk,
        "count": 1,
    }
    sample = client.get(f"/api/v1/outreach/segments/{seg.pk}/sample?size=5").json()
    assert sample == [{"person_id": old.pk, "name": old.full_name, "settlement": "Талшик"}]
    too_big = client.get(f"/api/v1/outreach/segments/{seg.pk}/sample?size=100000")
    assert too_big.status_code == 422


def test_api_meetings_create_list_and_questions(tree, chair_a, login, outreach_data):
    client = login(chair_a)
    created = client.post(
        "/api/v1/outreach/meetings",
        {
            "unit_id": tree.primary_a.pk,
            "kind": "visit",
            "topic": "Обход улицы Мира",
            "settlement_id": tree.village.pk,
            "planned_for": "2026-12-20",
            "categories": ["pensioner"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert Meeting.objects.get(pk=created.json()["id"]).topic == "Обход улицы Мира"
    listed = client.get("/api/v1/outreach/meetings?year=2026").json()
    assert {m["topic"] for m in listed["items"]} == {"Обход улицы Мира", "Встреча с пенсионерами"}
    # The same service's rules: held in the future is refused with a clear message.
    bad = client.post(
        "/api/v1/outreach/meetings",
        {
            "unit_id": tree.primary_a.pk,
            "kind": "visit",
            "topic": "x",
            "settlement_id": tree.village.pk,
            "held_on": "9999-01-01",
        },
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "held_on" in bad.json()["errors"]
    meeting = outreach_data["meeting"]
    url = f"/api/v1/outreach/meetings/{meeting.pk}/questions"
    added = client.post(url, {"text": "Когда починят дорогу?"}, content_type="application/json")
    assert added.status_code == 201
    assert client.get(url).json() == [
        {"id": added.json()["id"], "meeting_id": meeting.pk, "text": "Когда починят дорогу?",
         "appeal_id": None}
    ]  # fmt: skip
    no_consent = client.post(
        url, {"text": "x", "surname": "Иванов"}, content_type="application/json"
    )
    assert no_consent.status_code == 422
    assert MeetingQuestion.objects.filter(meeting=meeting).count() == 1


def test_api_of_another_primary_and_district_is_404_and_changes_nothing(
    tree, chair_b, other_admin, login, outreach_data
):
    seg, meeting, old = outreach_data["segment"], outreach_data["meeting"], outreach_data["old"]
    for user in (chair_b, other_admin):
        client = login(user)
        for url in (
            f"/api/v1/outreach/persons/{old.pk}/categories",
            f"/api/v1/outreach/segments/{seg.pk}",
            f"/api/v1/outreach/segments/{seg.pk}/count",
            f"/api/v1/outreach/segments/{seg.pk}/sample",
            f"/api/v1/outreach/meetings/{meeting.pk}",
            f"/api/v1/outreach/meetings/{meeting.pk}/questions",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.get("/api/v1/outreach/segments").json()["items"] == []
        assert client.get("/api/v1/outreach/meetings").json()["items"] == []
        assert (
            client.post(
                f"/api/v1/outreach/meetings/{meeting.pk}/questions",
                {"text": "взлом"},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert (
            client.post(
                "/api/v1/outreach/meetings",
                {
                    "unit_id": tree.primary_a.pk,
                    "kind": "visit",
                    "topic": "взлом",
                    "settlement_id": tree.village.pk,
                    "planned_for": "2026-12-20",
                },
                content_type="application/json",
            ).status_code
            == 404
        )
    assert Meeting.objects.count() == 1
    assert not MeetingQuestion.objects.exists()
