"""The rules of party projects: events and their people, plantings and survival, the fund
link, the contest's moderation, jury, verified votes and the ranking's formula."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pervichka.core.kpis import Period, compute
from pervichka.core.notify import LocmemSMSBackend
from pervichka.ideas import selectors as ideas_selectors
from pervichka.ideas import services as ideas_services
from pervichka.ideas.models import Idea, Vote
from tests import clock

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


def _code_from_sms(phone: str) -> str:
    text = [t for to, t in LocmemSMSBackend.outbox if to == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_ideas_count_for_the_primary_of_the_authors_village(submit_idea, tree):
    submit_idea()
    counts = compute(
        "ideas_submitted", [tree.district.pk, tree.primary_a.pk], Period.year(TODAY.year)
    )
    # The village has two primaries; the idea goes to the first, and to the district above it.
    assert counts == {tree.district.pk: 1, tree.primary_a.pk: 1}


def test_a_public_idea_is_idempotent_and_needs_consent(tree, contest, person_data):
    data = person_data(phone="+77011234567")
    data.iin = None
    kwargs = {
        "settlement": tree.village,
        "title": "Каток у школы",
        "text": "Заливать каток во дворе школы зимой силами родителей и учеников.",
        "idempotency_key": "same-key-123",
    }
    first, created = ideas_services.idea_submit_public(data=data, **kwargs)
    again, created_again = ideas_services.idea_submit_public(data=data, **kwargs)
    assert created
    assert not created_again
    assert first.pk == again.pk
    assert Idea.objects.count() == 1
    assert first.author.consent_at is not None
    no_consent = person_data(phone="+77011234568")
    no_consent.consent_method = ""
    no_consent.iin = None
    with pytest.raises(ValidationError, match="Consent"):
        ideas_services.idea_submit_public(
            data=no_consent, **{**kwargs, "idempotency_key": "other-key-1"}
        )
    assert Idea.objects.count() == 1


def test_ideas_after_the_deadline_are_refused(submit_idea, contest):
    # Yesterday, not "the day after the fixture's deadline": in December that day falls in
    # the next year, whose contest is another one and open.
    today = timezone.localdate()
    contest.submit_until = today - dt.timedelta(days=1)
    contest.save()
    with pytest.raises(ValidationError, match="accepted until"):
        submit_idea(today=today)


def test_jury_scores_published_ideas_on_every_criterion_within_range(
    submit_idea, published_idea, juror, contest, tree
):
    criteria = list(contest.criteria.all())
    assert len(criteria) == 3
    with pytest.raises(ValidationError, match="every criterion"):
        ideas_services.jury_score(actor=juror, idea=published_idea, scores={criteria[0].pk: 5})
    with pytest.raises(ValidationError, match="from 0 to 10"):
        ideas_services.jury_score(
            actor=juror, idea=published_idea, scores={c.pk: 11 for c in criteria}
        )
    with pytest.raises(ValidationError, match="published ideas only"):
        ideas_services.jury_score(
            actor=juror, idea=submit_idea(title="Новая идея"), scores={c.pk: 5 for c in criteria}
        )
    ideas_services.jury_score(actor=juror, idea=published_idea, scores={c.pk: 7 for c in criteria})
    ideas_services.jury_score(actor=juror, idea=published_idea, scores={c.pk: 9 for c in criteria})
    assert published_idea.scores.count() == 3  # re-scoring replaces


def test_one_vote_per_verified_phone_whatever_way_the_number_is_written(published_idea):
    LocmemSMSBackend.outbox.clear()
    challenge = ideas_services.vote_request_code(idea=published_idea, phone="8 701 555 12 34")
    code = _code_from_sms("+77015551234")
    with pytest.raises(ValidationError, match="not right"):
        ideas_services.vote_confirm(
            token=challenge.token, code="000000" if code != "000000" else "1"
        )
    ideas_services.vote_confirm(token=challenge.token, code=code)
    published_idea.refresh_from_db()
    assert published_idea.votes_count == 1
    with pytest.raises(ValidationError, match="not valid any more"):
        ideas_services.vote_confirm(token=challenge.token, code=code)
    with pytest.raises(ValidationError, match="already counted"):
        ideas_services.vote_request_code(idea=published_idea, phone="+7 (701) 555-12-34")
    assert Vote.objects.filter(idea=published_idea).count() == 1
    # The vote keeps no phone number.
    assert "5551234" not in Vote.objects.get().voter


def test_two_codes_for_one_phone_still_make_one_vote(published_idea):
    LocmemSMSBackend.outbox.clear()
    first = ideas_services.vote_request_code(idea=published_idea, phone="+77015550000")
    code1 = _code_from_sms("+77015550000")
    second = ideas_services.vote_request_code(idea=published_idea, phone="+77015550000")
    code2 = _code_from_sms("+77015550000")
    ideas_services.vote_confirm(token=first.token, code=code1)
    with pytest.raises(ValidationError, match="already counted"):
        ideas_services.vote_confirm(token=second.token, code=code2)
    published_idea.refresh_from_db()
    assert published_idea.votes_count == 1


def test_codes_expire_and_wrong_guesses_lock_the_code(published_idea):
    LocmemSMSBackend.outbox.clear()
    challenge = ideas_services.vote_request_code(idea=published_idea, phone="+77015550001")
    code = _code_from_sms("+77015550001")
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(ideas_services.VOTE_CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            ideas_services.vote_confirm(token=challenge.token, code=wrong)
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        ideas_services.vote_confirm(token=challenge.token, code=code)
    late = ideas_services.vote_request_code(idea=published_idea, phone="+77015550002")
    type(late).objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        ideas_services.vote_confirm(token=late.token, code=_code_from_sms("+77015550002"))
    assert Vote.objects.count() == 0


def test_codes_per_phone_are_limited(published_idea):
    for _ in range(ideas_services.VOTE_CODES_PER_PHONE_PER_HOUR):
        ideas_services.vote_request_code(idea=published_idea, phone="+77015550003")
    with pytest.raises(ValidationError, match="Too many codes"):
        ideas_services.vote_request_code(idea=published_idea, phone="+77015550003")


def test_no_votes_for_unpublished_ideas_or_after_voting_closes(
    submit_idea, published_idea, contest
):
    with pytest.raises(ValidationError, match="closed"):
        ideas_services.vote_request_code(
            idea=submit_idea(title="Ещё не опубликована"), phone="+77015550004"
        )
    contest.vote_until = TODAY - dt.timedelta(days=1)
    contest.save()
    published_idea.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        ideas_services.vote_request_code(idea=published_idea, phone="+77015550005")


def test_the_ranking_follows_the_shown_formula(submit_idea, district_admin, juror, contest, tree):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    second_juror = grant(UserFactory(username="juror2"), Role.JUROR, tree.district)
    ideas = [
        ideas_services.idea_moderate(
            actor=district_admin, idea=submit_idea(title=f"Идея номер {n}"), to="published"
        )
        for n in range(3)
    ]
    criteria = list(contest.criteria.all())  # weights 0.3, 0.4, 0.3; top score 10
    ideas_services.jury_score(actor=juror, idea=ideas[0], scores={c.pk: 10 for c in criteria})
    ideas_services.jury_score(actor=second_juror, idea=ideas[0], scores={c.pk: 6 for c in criteria})
    ideas_services.jury_score(
        actor=juror,
        idea=ideas[1],
        scores=dict(zip([c.pk for c in criteria], [10, 0, 10], strict=True)),
    )
    Idea.objects.filter(pk=ideas[0].pk).update(votes_count=10)
    Idea.objects.filter(pk=ideas[1].pk).update(votes_count=40)
    Idea.objects.filter(pk=ideas[2].pk).update(votes_count=20)
    ranked = {r.idea.pk: r for r in ideas_selectors.ranking(contest)}
    # idea 0: jury 8.0 (mean of 10 and 6), votes 10/40 → 0.7·0.8 + 0.3·0.25 = 0.635
    # idea 1: jury 0.3·1 + 0.4·0 + 0.3·1 = 0.6 → 6.0, votes 1 → 0.7·0.6 + 0.3 = 0.72
    # idea 2: no jury scores, votes 20/40 → 0.3·0.5 = 0.15
    assert ranked[ideas[0].pk].jury == 8.0
    assert ranked[ideas[0].pk].combined == pytest.approx(0.635)
    assert ranked[ideas[1].pk].combined == pytest.approx(0.72)
    assert ranked[ideas[2].pk].combined == pytest.approx(0.15)
    assert [ranked[i.pk].rank for i in ideas] == [2, 1, 3]
    assert "0.70 × jury score / 10 + 0.30 × votes" in ideas_selectors.formula_text(contest)
