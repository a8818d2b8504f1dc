"""Issue 15, points 5 and 7 made exact: the district's random audit sample of the counted
records (a failed audit takes the record off the figure in the next version, and the
breakdown says so), whoever entered the disputed records does not decide the objection,
the peer groups split into towns and villages, and the tip links to the School's course."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pervichka.projects import services as projects
from pervichka.projects.models import Project
from pervichka.rating import services
from pervichka.rating.models import AuditItem, Indicator, Methodology
from pervichka.training.models import Course
from tests.factories import SettlementFactory, UserFactory, grant


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def held_with_evidence(actor, primary, day, person):
    """An event held in the quarter with a participant list: it counts."""
    event = projects.event_create(
        actor=actor,
        project=Project.objects.get(code="tazalike"),
        primary=primary,
        data=projects.EventData(title=f"Субботник {day:%d.%m}", date=day),
    )
    projects.event_set_status(actor=actor, event=event, status="held")
    projects.participant_add(actor=actor, event=event, role="participant", person=person)
    return event


@pytest.fixture
def enterer(tree):
    """A commission member (an administrator of the district) who entered the events."""
    return grant(UserFactory(username="enterer"), "admin", tree.district)


@pytest.fixture
def events(tree, enterer, members, quarter):
    a, _b = members
    return [
        held_with_evidence(
            enterer, tree.primary_a, quarter.start + dt.timedelta(days=d), a[1].person
        )
        for d in (3, 10)
    ]


def line_of(run, primary, kpi):
    return run.scores.get(primary=primary).lines.get(indicator__kpi=kpi)


def test_the_audit_sample_is_drawn_once_and_a_failed_record_comes_off(
    login, tree, district_admin, chair_a, other_admin, events, quarter
):
    run = services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    assert run.methodology.code == "default"
    assert run.methodology.version == 2
    assert line_of(run, tree.primary_a, "events_with_evidence").raw == 2
    # 10% of the two counted events, at least one: one record drawn.
    [item] = AuditItem.objects.filter(district=tree.district, period=quarter)
    assert (item.kpi, item.primary, item.amount) == ("events_with_evidence", tree.primary_a, 1)
    assert item.record_pk in {e.pk for e in events}
    services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    assert AuditItem.objects.filter(district=tree.district, period=quarter).count() == 1

    page = reverse("rating:audit", args=[run.pk])
    decide = reverse("rating:audit_decide", args=[item.pk])
    # Chairs and another district neither see nor decide the sample.
    for user in (chair_a, other_admin):
        client = login(user)
        assert client.get(page).status_code == 404
        assert client.post(decide, {"result": "failed", "note": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "pending"
    client = login(district_admin)
    assert item.label in client.get(page).content.decode()
    client.post(decide, {"result": "failed", "note": ""})  # a failure says what was found
    item.refresh_from_db()
    assert item.status == "pending"
    client.post(decide, {"result": "failed", "note": "На фото другое мероприятие"})
    item.refresh_from_db()
    assert (item.status, item.decided_by) == ("failed", district_admin)

    before = line_of(run, tree.primary_a, "events_with_evidence")
    latest = services.rating_recompute(actor=district_admin, run=run)
    after = line_of(latest, tree.primary_a, "events_with_evidence")
    # 2 events - 1 failed = 1 per 10 members = 10 per 100: at U (10) it still scores 100,
    # but the value and the raw figure show the record went.
    assert (after.raw, after.audit_removed) == (D(1), D(1))
    assert after.value == D(10)
    assert before.value == D(20)
    score = latest.scores.get(primary=tree.primary_a)
    assert sum(line.points for line in score.lines.all()) == score.total
    breakdown = login(chair_a).get(reverse("rating:score", args=[score.pk])).content.decode()
    assert "audit-removed" in breakdown
    assert 'id="audits"' in breakdown
    assert "На фото другое мероприятие" in breakdown


def test_whoever_entered_the_disputed_records_does_not_decide(
    login, tree, district_admin, chair_a, enterer, events, quarter
):
    run = services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    indicator = Indicator.objects.get(
        dimension__methodology=run.methodology, kpi="events_with_evidence"
    )
    objection = services.objection_raise(
        actor=chair_a,
        score=run.scores.get(primary=tree.primary_a),
        indicator=indicator,
        text="Третий субботник не учтён",
        claimed_value=D(3),
    )
    assert services.disputed_data_entered_by(objection) == {enterer.pk}
    with pytest.raises(ValidationError, match="entered the disputed data"):
        services.objection_decide(actor=enterer, objection=objection, decision="rejected",
                                  reason="x")  # fmt: skip
    page = login(enterer).get(reverse("rating:objection", args=[objection.pk])).content.decode()
    assert 'id="entered-disputed"' in page
    assert 'id="decision-form"' not in page
    # Exact, not by role: a member who holds a role at the primary but entered none of the
    # records may decide.
    insider = grant(
        grant(UserFactory(username="insider"), "admin", tree.district), "auditor", tree.primary_a
    )
    services.objection_decide(
        actor=insider, objection=objection, decision="rejected", reason="Нет подтверждения"
    )


def test_peer_groups_split_into_towns_and_villages(tree, district_admin, members, quarter):
    default = Methodology.objects.get(code="default", version=2)
    draft = services.methodology_draft(actor=district_admin, unit=tree.district, source=default)
    services.methodology_edit(actor=district_admin, draft=draft, split_settlements=True)
    services.methodology_approve(actor=district_admin, draft=draft, rationale="Сёла и города")
    town = SettlementFactory(district=tree.district, name="Талшик-город", kind="town",
                             kato="593201200")  # fmt: skip
    tree.primary_b.settlement = town
    tree.primary_b.save()
    run = services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    assert run.methodology == draft
    groups = {s.primary_id: s.peer_group.code for s in run.scores.select_related("peer_group")}
    assert groups == {tree.primary_a.pk: "small-rural", tree.primary_b.pk: "small-urban"}


def test_the_tip_links_to_the_schools_course_for_the_weakest_dimension(
    login, tree, district_admin, chair_a, members, quarter
):
    for code in ("chair-basics", "digital-primary"):
        Course.objects.create(code=code, name=f"Курс {code}")
    run = services.rating_compute(actor=district_admin, district=tree.district, period=quarter)
    score = run.scores.get(primary=tree.primary_a)
    page = login(chair_a).get(reverse("rating:score", args=[score.pk])).content.decode()
    link = page.split('id="course-link"')[0].rsplit("<a ", 1)[1]
    assert f'href="{reverse("training:home")}#course-' in link
    training = login(chair_a).get(reverse("training:home")).content.decode()
    code = link.split("#course-")[1].split('"')[0]
    assert f'id="course-{code}"' in training
