"""The rules of party projects: events and their people, plantings and survival, the fund
link, the contest's moderation, jury, verified votes and the ranking's formula."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from pervichka.core.kpis import Period, compute
from pervichka.core.notify import LocmemSMSBackend
from pervichka.dues import services as dues
from pervichka.projects import selectors, services
from pervichka.projects.models import Event, Idea, Participation, Vote
from tests import clock
from tests.projects.conftest import LAT, LON, PNG

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- events -------------------------------------------------------------------------------


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


# --- the fund link ------------------------------------------------------------------------


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
    spent = selectors.kpi_actuals(projects["tazalike"], [tree.district.path], period)["spent"]
    assert spent == 0  # asked, not paid
    dues.spending_approve(actor=district_admin, request=spending)
    spent = selectors.kpi_actuals(projects["tazalike"], [tree.district.path], period)["spent"]
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


# --- ТазаLike: survival -------------------------------------------------------------------


def test_survival_is_the_latest_check_and_cannot_exceed_what_was_planted(make_planting, chair_a):
    # Checks 100 and 50 days ago: the planting is 200 days old, whatever the year.
    planting = make_planting(count=50, planted_on=TODAY - dt.timedelta(days=200))
    with pytest.raises(ValidationError, match="50 were planted"):
        services.survival_check_add(actor=chair_a, planting=planting, checked_on=TODAY, alive=51)
    with pytest.raises(ValidationError, match="after the planting"):
        services.survival_check_add(
            actor=chair_a,
            planting=planting,
            checked_on=planting.planted_on - dt.timedelta(days=1),
            alive=10,
        )
    with pytest.raises(ValidationError, match="future"):
        services.survival_check_add(
            actor=chair_a, planting=planting, checked_on=TODAY + dt.timedelta(days=1), alive=10
        )
    services.survival_check_add(
        actor=chair_a, planting=planting, checked_on=TODAY - dt.timedelta(days=100), alive=40
    )
    services.survival_check_add(actor=chair_a, planting=planting, checked_on=TODAY, alive=30)
    # An older check entered later does not override the latest by date.
    services.survival_check_add(
        actor=chair_a, planting=planting, checked_on=TODAY - dt.timedelta(days=50), alive=45
    )
    row = selectors.with_survival(type(planting).objects.filter(pk=planting.pk)).get()
    assert row.alive == 30
    assert services.survival_rate(row.count, row.alive) == pytest.approx(0.6)
    assert selectors.survival_colour(row.count, row.alive) == "amber"


def test_survival_rate_kpi_weighs_plantings_by_count_and_skips_unchecked(
    make_planting, chair_a, tree
):
    big, small, unchecked = make_planting(count=50), make_planting(count=30), make_planting(10)
    services.survival_check_add(actor=chair_a, planting=big, checked_on=TODAY, alive=40)
    services.survival_check_add(actor=chair_a, planting=small, checked_on=TODAY, alive=15)
    period = Period.year(TODAY.year)
    rates = compute(
        "tree_survival_rate", [tree.district.pk, tree.primary_a.pk, tree.primary_b.pk], period
    )
    assert rates[tree.district.pk] == pytest.approx(55 / 80)
    assert rates[tree.primary_a.pk] == pytest.approx(55 / 80)
    assert rates[tree.primary_b.pk] == 0
    assert unchecked.checks.count() == 0


def test_plantings_are_greening_only_and_checked_for_sense(tree, chair_a, projects, village):
    data = services.PlantingData(
        planted_on=TODAY + dt.timedelta(days=1),
        settlement=village,
        species="",
        count=0,
        site_kind="moon",
        planted_by="",
    )
    with pytest.raises(ValidationError) as caught:
        services.planting_create(
            actor=chair_a, project=projects["tazalike"], primary=tree.primary_a, data=data
        )
    assert set(caught.value.error_dict) == {
        "planted_on",
        "species",
        "count",
        "site_kind",
        "planted_by",
    }
    with pytest.raises(ValidationError, match="greening"):
        services.planting_create(
            actor=chair_a, project=projects["socium"], primary=tree.primary_a, data=data
        )


def test_plantings_total_per_settlement_and_primary_against_the_primary_target(
    make_planting, tree, projects, district_admin, chair_a
):
    make_planting(count=120)
    make_planting(count=80)
    services.target_set(
        actor=district_admin,
        project=projects["tazalike"],
        unit=tree.primary_a,
        year=TODAY.year,
        kpi="trees_planted",
        target=Decimal(400),
    )
    plantings = selectors.plantings_visible(chair_a).filter(planted_on__year=TODAY.year)
    by_settlement, by_primary = selectors.planting_totals(
        plantings, projects["tazalike"], TODAY.year
    )
    assert [(r.name, r.planted) for r in by_settlement] == [("Талшик", 200)]
    assert by_primary[0].planted == 200
    assert by_primary[0].percent_of_target == 50


# --- KPIs ---------------------------------------------------------------------------------


def test_kpis_count_held_events_hours_and_trees_per_primary_and_up_the_tree(
    make_event, make_planting, chair_a, person_data, tree, other_admin
):
    event = make_event()
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=3, data=person_data()
    )
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=Decimal("2.5"), data=person_data()
    )
    make_event(title="Запланировано", date=TODAY + dt.timedelta(days=3), held=False)
    make_planting(count=25)
    elsewhere = make_event(primary=tree.primary_c, actor=other_admin, title="Чужое")
    assert elsewhere.primary == tree.primary_c
    period = Period.year(TODAY.year)
    units = [tree.region.pk, tree.district.pk, tree.primary_a.pk, tree.primary_b.pk]
    held = compute("events_held", units, period)
    assert (held[tree.district.pk], held[tree.primary_a.pk], held[tree.primary_b.pk]) == (1, 1, 0)
    assert held[tree.region.pk] == 2  # the other district's event counts for the region
    assert compute("volunteer_hours", units, period)[tree.primary_a.pk] == 5.5
    assert compute("trees_planted", units, period)[tree.district.pk] == 25


def test_ideas_count_for_the_primary_of_the_authors_village(submit_idea, tree):
    submit_idea()
    counts = compute(
        "ideas_submitted", [tree.district.pk, tree.primary_a.pk], Period.year(TODAY.year)
    )
    # The village has two primaries; the idea goes to the first, and to the district above it.
    assert counts == {tree.district.pk: 1, tree.primary_a.pk: 1}


# --- the ideas contest --------------------------------------------------------------------


def test_a_public_idea_is_idempotent_and_needs_consent(tree, contest, person_data):
    data = person_data(phone="+77011234567")
    data.iin = None
    kwargs = {
        "settlement": tree.village,
        "title": "Каток у школы",
        "text": "Заливать каток во дворе школы зимой силами родителей и учеников.",
        "idempotency_key": "same-key-123",
    }
    first, created = services.idea_submit_public(data=data, **kwargs)
    again, created_again = services.idea_submit_public(data=data, **kwargs)
    assert created
    assert not created_again
    assert first.pk == again.pk
    assert Idea.objects.count() == 1
    assert first.author.consent_at is not None
    no_consent = person_data(phone="+77011234568")
    no_consent.consent_method = ""
    no_consent.iin = None
    with pytest.raises(ValidationError, match="Consent"):
        services.idea_submit_public(data=no_consent, **{**kwargs, "idempotency_key": "other-key-1"})
    assert Idea.objects.count() == 1


def test_ideas_after_the_deadline_are_refused(submit_idea, contest):
    # Yesterday, not "the day after the fixture's deadline": in December that day falls in
    # the next year, whose contest is another one and open.
    today = timezone.localdate()
    contest.submit_until = today - dt.timedelta(days=1)
    contest.save()
    with pytest.raises(ValidationError, match="accepted until"):
        submit_idea(today=today)


def test_moderation_follows_the_flow_tells_the_author_and_needs_reasons(
    submit_idea, district_admin, other_admin, django_capture_on_commit_callbacks
):
    LocmemSMSBackend.outbox.clear()
    idea = submit_idea(phone="+77017654321")
    with pytest.raises(Http404):
        services.idea_moderate(actor=other_admin, idea=idea, to="published")
    with pytest.raises(ValidationError, match="why"):
        services.idea_moderate(actor=district_admin, idea=idea, to="rejected")
    other = services.idea_moderate(
        actor=district_admin, idea=submit_idea(title="Похожая идея про фонари"), to="published"
    )
    with pytest.raises(ValidationError, match="another published idea"):
        services.idea_moderate(actor=district_admin, idea=idea, to="merged", merge_into=idea)
    with django_capture_on_commit_callbacks(execute=True):
        merged = services.idea_moderate(
            actor=district_admin, idea=idea, to="merged", merge_into=other
        )
    assert merged.merged_into == other
    with pytest.raises(ValidationError, match="cannot become"):
        services.idea_moderate(actor=district_admin, idea=merged, to="published")
    to_author = [text for to, text in LocmemSMSBackend.outbox if to == "+77017654321"]
    assert len(to_author) == 1
    assert merged.code in to_author[0]


def test_jury_scores_published_ideas_on_every_criterion_within_range(
    submit_idea, published_idea, juror, contest, tree
):
    criteria = list(contest.criteria.all())
    assert len(criteria) == 3
    with pytest.raises(ValidationError, match="every criterion"):
        services.jury_score(actor=juror, idea=published_idea, scores={criteria[0].pk: 5})
    with pytest.raises(ValidationError, match="from 0 to 10"):
        services.jury_score(actor=juror, idea=published_idea, scores={c.pk: 11 for c in criteria})
    with pytest.raises(ValidationError, match="published ideas only"):
        services.jury_score(
            actor=juror, idea=submit_idea(title="Новая идея"), scores={c.pk: 5 for c in criteria}
        )
    services.jury_score(actor=juror, idea=published_idea, scores={c.pk: 7 for c in criteria})
    services.jury_score(actor=juror, idea=published_idea, scores={c.pk: 9 for c in criteria})
    assert published_idea.scores.count() == 3  # re-scoring replaces


def _code_from_sms(phone: str) -> str:
    text = [t for to, t in LocmemSMSBackend.outbox if to == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_one_vote_per_verified_phone_whatever_way_the_number_is_written(published_idea):
    LocmemSMSBackend.outbox.clear()
    challenge = services.vote_request_code(idea=published_idea, phone="8 701 555 12 34")
    code = _code_from_sms("+77015551234")
    with pytest.raises(ValidationError, match="not right"):
        services.vote_confirm(token=challenge.token, code="000000" if code != "000000" else "1")
    services.vote_confirm(token=challenge.token, code=code)
    published_idea.refresh_from_db()
    assert published_idea.votes_count == 1
    with pytest.raises(ValidationError, match="not valid any more"):
        services.vote_confirm(token=challenge.token, code=code)
    with pytest.raises(ValidationError, match="already counted"):
        services.vote_request_code(idea=published_idea, phone="+7 (701) 555-12-34")
    assert Vote.objects.filter(idea=published_idea).count() == 1
    # The vote keeps no phone number.
    assert "5551234" not in Vote.objects.get().voter


def test_two_codes_for_one_phone_still_make_one_vote(published_idea):
    LocmemSMSBackend.outbox.clear()
    first = services.vote_request_code(idea=published_idea, phone="+77015550000")
    code1 = _code_from_sms("+77015550000")
    second = services.vote_request_code(idea=published_idea, phone="+77015550000")
    code2 = _code_from_sms("+77015550000")
    services.vote_confirm(token=first.token, code=code1)
    with pytest.raises(ValidationError, match="already counted"):
        services.vote_confirm(token=second.token, code=code2)
    published_idea.refresh_from_db()
    assert published_idea.votes_count == 1


def test_codes_expire_and_wrong_guesses_lock_the_code(published_idea):
    LocmemSMSBackend.outbox.clear()
    challenge = services.vote_request_code(idea=published_idea, phone="+77015550001")
    code = _code_from_sms("+77015550001")
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(services.VOTE_CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            services.vote_confirm(token=challenge.token, code=wrong)
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.vote_confirm(token=challenge.token, code=code)
    late = services.vote_request_code(idea=published_idea, phone="+77015550002")
    type(late).objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.vote_confirm(token=late.token, code=_code_from_sms("+77015550002"))
    assert Vote.objects.count() == 0


def test_codes_per_phone_are_limited(published_idea):
    for _ in range(services.VOTE_CODES_PER_PHONE_PER_HOUR):
        services.vote_request_code(idea=published_idea, phone="+77015550003")
    with pytest.raises(ValidationError, match="Too many codes"):
        services.vote_request_code(idea=published_idea, phone="+77015550003")


def test_no_votes_for_unpublished_ideas_or_after_voting_closes(
    submit_idea, published_idea, contest
):
    with pytest.raises(ValidationError, match="closed"):
        services.vote_request_code(
            idea=submit_idea(title="Ещё не опубликована"), phone="+77015550004"
        )
    contest.vote_until = TODAY - dt.timedelta(days=1)
    contest.save()
    published_idea.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.vote_request_code(idea=published_idea, phone="+77015550005")


def test_the_ranking_follows_the_shown_formula(submit_idea, district_admin, juror, contest, tree):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    second_juror = grant(UserFactory(username="juror2"), Role.JUROR, tree.district)
    ideas = [
        services.idea_moderate(
            actor=district_admin, idea=submit_idea(title=f"Идея номер {n}"), to="published"
        )
        for n in range(3)
    ]
    criteria = list(contest.criteria.all())  # weights 0.3, 0.4, 0.3; top score 10
    services.jury_score(actor=juror, idea=ideas[0], scores={c.pk: 10 for c in criteria})
    services.jury_score(actor=second_juror, idea=ideas[0], scores={c.pk: 6 for c in criteria})
    services.jury_score(
        actor=juror,
        idea=ideas[1],
        scores=dict(zip([c.pk for c in criteria], [10, 0, 10], strict=True)),
    )
    Idea.objects.filter(pk=ideas[0].pk).update(votes_count=10)
    Idea.objects.filter(pk=ideas[1].pk).update(votes_count=40)
    Idea.objects.filter(pk=ideas[2].pk).update(votes_count=20)
    ranked = {r.idea.pk: r for r in selectors.ranking(contest)}
    # idea 0: jury 8.0 (mean of 10 and 6), votes 10/40 → 0.7·0.8 + 0.3·0.25 = 0.635
    # idea 1: jury 0.3·1 + 0.4·0 + 0.3·1 = 0.6 → 6.0, votes 1 → 0.7·0.6 + 0.3 = 0.72
    # idea 2: no jury scores, votes 20/40 → 0.3·0.5 = 0.15
    assert ranked[ideas[0].pk].jury == 8.0
    assert ranked[ideas[0].pk].combined == pytest.approx(0.635)
    assert ranked[ideas[1].pk].combined == pytest.approx(0.72)
    assert ranked[ideas[2].pk].combined == pytest.approx(0.15)
    assert [ranked[i.pk].rank for i in ideas] == [2, 1, 3]
    assert "0.70 × jury score / 10 + 0.30 × votes" in selectors.formula_text(contest)


def test_coordinates_are_checked_to_lie_in_kazakhstan():
    assert services.check_coordinates(LAT, LON) == (LAT, LON)
    assert services.check_coordinates(None, "") == (None, None)
    with pytest.raises(ValidationError, match="outside Kazakhstan"):
        services.check_coordinates(Decimal("69.35"), Decimal("53.64"))  # swapped
