"""The rules of party projects: events and their people, plantings and survival, the fund
link, the contest's moderation, jury, verified votes and the ranking's formula."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from pervichka.core.kpis import Period
from pervichka.core.notify import LocmemSMSBackend
from pervichka.dues import services as dues
from pervichka.ideas import services as ideas_services
from pervichka.projects import selectors, services
from pervichka.projects.models import Event, Participation
from tests import clock
from tests.projects.conftest import LAT, LON, PNG

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@pytest.fixture
def fund_a(tree, chair_a, member_a, district_admin):
    """Primary A's fund holds 20% of 10 months of 500 ₸ = 1,000 ₸."""
    from pervichka.dues.models import DuesRate

    for category in ("working", "pensioner", "student", "unemployed"):
        DuesRate.objects.create(
            district=tree.district, category=category, amount=500, valid_from=dt.date(2020, 1, 1)
        )
    dues.payment_record(
        actor=chair_a,
        membership=member_a,
        data=dues.PaymentInput(
            months=[dt.date(TODAY.year, m, 1) for m in range(1, 11)],
            method="cash",
            paid_on=TODAY,
            receipt_number="1",
        ),
    )


def test_an_event_joins_its_primary_to_the_project(make_event, tree, projects):
    event = make_event(project="orleu")
    assert event.status == "held"
    assert Participation.objects.filter(project=projects["orleu"], primary=tree.primary_a).exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": " "}, "title", "title"),
        ({"latitude": Decimal("40.7"), "longitude": Decimal("-74.0")}, "latitude", "outside"),
        ({"latitude": Decimal("53.6"), "longitude": None}, "latitude", "both"),
    ],
)
def test_bad_event_input_is_refused_with_a_message(
    tree, chair_a, projects, village, change, field, words
):
    data = services.EventData(title="Субботник", date=TODAY, settlement=village)
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            actor=chair_a, project=projects["socium"], primary=tree.primary_a, data=data
        )
    assert field in caught.value.error_dict
    assert words in messages_of(caught.value)
    assert not Event.objects.exists()


def test_a_settlement_of_another_district_is_refused(tree, chair_a, projects):
    with pytest.raises(ValidationError, match="district"):
        services.event_create(
            actor=chair_a,
            project=projects["socium"],
            primary=tree.primary_a,
            data=services.EventData(title="x", date=TODAY, settlement=tree.other_village),
        )


def test_the_chair_of_another_primary_cannot_hold_an_event_for_primary_a(tree, chair_b, projects):
    with pytest.raises(Http404):
        services.event_create(
            actor=chair_b,
            project=projects["socium"],
            primary=tree.primary_a,
            data=services.EventData(title="x", date=TODAY),
        )


def test_an_event_in_the_future_cannot_be_marked_held(make_event, chair_a):
    event = make_event(date=TODAY + dt.timedelta(days=5), held=False)
    with pytest.raises(ValidationError, match="held on that day or later"):
        services.event_set_status(actor=chair_a, event=event, status="held")
    event.refresh_from_db()
    assert event.status == "planned"


def test_participants_are_found_or_registered_with_consent_and_hours_are_bounded(
    make_event, chair_a, person_data, member_a
):
    planned = make_event(date=TODAY + dt.timedelta(days=2), held=False)
    with pytest.raises(ValidationError, match="once the event is held"):
        services.participant_add(
            actor=chair_a, event=planned, role="volunteer", hours=3, data=person_data()
        )
    event = make_event()
    new = person_data()
    new.consent_method = ""
    with pytest.raises(ValidationError, match="Consent"):
        services.participant_add(actor=chair_a, event=event, role="volunteer", hours=2, data=new)
    with pytest.raises(ValidationError, match="between 0 and 24"):
        services.participant_add(
            actor=chair_a, event=event, role="volunteer", hours=25, data=person_data()
        )
    # By IIN: the member already in the registry, not a second person.
    known = person_data(surname="Ахметова")
    known.iin = member_a.person.iin
    first = services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=3, data=known
    )
    assert first.person_id == member_a.person_id
    again = services.participant_add(
        actor=chair_a, event=event, role="organizer", hours=Decimal("4.5"), person=member_a.person
    )
    assert again.pk == first.pk
    assert event.participants.count() == 1
    assert event.participants.get().hours == Decimal("4.5")


def test_cancelling_an_event_with_volunteer_hours_is_refused(make_event, chair_a, person_data):
    event = make_event()
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=2, data=person_data()
    )
    with pytest.raises(ValidationError, match="remove them"):
        services.event_set_status(actor=chair_a, event=event, status="cancelled")


def test_photos_are_images_only_and_limited(make_event, chair_a):
    event = make_event()
    with pytest.raises(ValidationError, match="JPG or PNG"):
        services.photo_add(
            actor=chair_a, event=event, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
        )
    with pytest.raises(ValidationError, match="not really"):
        services.photo_add(
            actor=chair_a, event=event, upload=SimpleUploadedFile("a.png", b"GIF89a")
        )
    for n in range(services.MAX_PHOTOS):
        services.photo_add(actor=chair_a, event=event, upload=SimpleUploadedFile(f"{n}.png", PNG))
    with pytest.raises(ValidationError, match="at most 10"):
        services.photo_add(actor=chair_a, event=event, upload=SimpleUploadedFile("x.png", PNG))
    assert event.photos.count() == services.MAX_PHOTOS


def test_an_event_asks_for_funds_and_its_cost_is_what_the_district_approved(
    fund_a, make_event, chair_a, district_admin, tree, projects
):
    event = make_event(project="tazalike")
    event = services.event_request_funds(
        actor=chair_a, event=event, amount=Decimal("800"), purpose="Саженцы"
    )
    spending = event.spending
    assert spending.status == "requested"
    assert spending.project_ref == "tazalike"
    assert spending.primary == tree.primary_a
    period = Period.year(TODAY.year)
    spent = selectors.kpi_actuals(projects["tazalike"], district_admin, tree.district, period)[
        "spent"
    ]
    assert spent == 0  # asked, not paid
    dues.spending_approve(actor=district_admin, request=spending)
    spent = selectors.kpi_actuals(projects["tazalike"], district_admin, tree.district, period)[
        "spent"
    ]
    assert spent == 800
    with pytest.raises(ValidationError, match="already has"):
        services.event_request_funds(actor=chair_a, event=event, amount=1, purpose="ещё")


def test_only_the_primarys_own_live_spending_can_pay_for_its_event(
    make_event, chair_a, chair_b, district_admin, tree
):
    event = make_event()
    other = dues.spending_request(actor=chair_b, primary=tree.primary_b, amount=5, purpose="x")
    with pytest.raises(ValidationError, match="fund of the event's primary"):
        services.event_link_spending(actor=district_admin, event=event, spending=other)
    refused = dues.spending_request(actor=chair_a, primary=tree.primary_a, amount=5, purpose="x")
    dues.spending_refuse(actor=district_admin, request=refused, reason="нет")
    with pytest.raises(ValidationError, match="refused or withdrawn"):
        services.event_link_spending(actor=chair_a, event=event, spending=refused)
    mine = dues.spending_request(actor=chair_a, primary=tree.primary_a, amount=5, purpose="x")
    services.event_link_spending(actor=chair_a, event=event, spending=mine)
    second = make_event(title="Второе")
    with pytest.raises(ValidationError, match="already pays"):
        services.event_link_spending(actor=chair_a, event=second, spending=mine)
    with pytest.raises(Http404):
        services.event_link_spending(actor=chair_b, event=second, spending=mine)


def test_moderation_follows_the_flow_tells_the_author_and_needs_reasons(
    submit_idea, district_admin, other_admin, django_capture_on_commit_callbacks
):
    LocmemSMSBackend.outbox.clear()
    idea = submit_idea(phone="+77017654321")
    with pytest.raises(Http404):
        ideas_services.idea_moderate(actor=other_admin, idea=idea, to="published")
    with pytest.raises(ValidationError, match="why"):
        ideas_services.idea_moderate(actor=district_admin, idea=idea, to="rejected")
    other = ideas_services.idea_moderate(
        actor=district_admin, idea=submit_idea(title="Похожая идея про фонари"), to="published"
    )
    with pytest.raises(ValidationError, match="another published idea"):
        ideas_services.idea_moderate(actor=district_admin, idea=idea, to="merged", merge_into=idea)
    with django_capture_on_commit_callbacks(execute=True):
        merged = ideas_services.idea_moderate(
            actor=district_admin, idea=idea, to="merged", merge_into=other
        )
    assert merged.merged_into == other
    with pytest.raises(ValidationError, match="cannot become"):
        ideas_services.idea_moderate(actor=district_admin, idea=merged, to="published")
    to_author = [text for to, text in LocmemSMSBackend.outbox if to == "+77017654321"]
    assert len(to_author) == 1
    assert merged.code in to_author[0]


def test_coordinates_are_checked_to_lie_in_kazakhstan():
    assert services.check_coordinates(LAT, LON) == (LAT, LON)
    assert services.check_coordinates(None, "") == (None, None)
    with pytest.raises(ValidationError, match="outside Kazakhstan"):
        services.check_coordinates(Decimal("69.35"), Decimal("53.64"))  # swapped


def test_events_count_with_evidence_only_and_name_their_records(
    make_event, chair_a, tree, person_data
):
    """An event entered with neither a photo nor a list of who took part counts as held
    but not as held with evidence; the records function names exactly the events counted."""
    from django.urls import reverse

    from pervichka.core import kpis

    bare, listed = make_event(title="Без подтверждений"), make_event(title="Со списком")
    services.participant_add(
        actor=chair_a, event=listed, role="volunteer", hours=2, data=person_data()
    )
    make_event(title="Запланировано", held=False)
    year = Period.year(bare.date.year)
    units = [tree.primary_a.pk, tree.primary_b.pk, tree.district.pk]
    assert kpis.compute("events_held", units, year)[tree.primary_a.pk] == 2
    evidenced = kpis.compute("events_with_evidence", units, year)
    assert (evidenced[tree.primary_a.pk], evidenced[tree.district.pk]) == (1, 1)
    assert evidenced[tree.primary_b.pk] == 0  # a count: nothing held is a real 0
    records = kpis.records("events_with_evidence", units, year)
    assert [r.pk for r in records[tree.primary_a.pk]] == [listed.pk]
    assert tree.primary_b.pk not in records
    assert sorted(r.pk for r in kpis.records("events_held", units, year)[tree.district.pk]) == [
        bare.pk,
        listed.pk,
    ]
    record = records[tree.primary_a.pk][0]
    assert reverse(record.url_name, args=[record.pk]) == reverse("projects:event", args=[listed.pk])
