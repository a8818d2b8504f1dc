import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from pervichka.youth import services
from pervichka.youth.enums import YouthStatus
from pervichka.youth.models import Referral, YouthRules
from pervichka.youth.rules import derive_status, eligibility, is_neet
from pervichka.youth.selectors import cases_visible, youth_visible
from tests.youth.conftest import born


@pytest.mark.parametrize(
    ("facts", "status", "neet"),
    [
        ({}, YouthStatus.NEET, True),
        ({"registered_job_seeker": True}, YouthStatus.JOB_SEEKER, True),
        ({"parental_leave": True}, YouthStatus.PARENTAL_LEAVE, True),
        ({"military_service": True}, YouthStatus.MILITARY, False),
        ({"in_training": True, "registered_job_seeker": True}, YouthStatus.TRAINING, False),
        ({"in_education": True, "in_training": True}, YouthStatus.STUDENT, False),
        ({"employed": True, "in_education": True}, YouthStatus.EMPLOYED, False),
    ],
)
def test_status_and_neet_follow_from_the_facts(add_young, facts, status, neet):
    yp = add_young(**facts)
    assert derive_status(yp) == status
    assert is_neet(yp) is neet


def test_the_age_limit_is_a_setting(tree, add_young):
    with pytest.raises(ValidationError) as exc:
        add_young(age=31)
    assert "iin" in exc.value.message_dict
    rules = services.rules_for(tree.primary_a)
    assert not YouthRules.objects.exists()  # reading the rules writes nothing
    rules.max_age = 35
    rules.save()
    assert add_young(age=31).person.birth_date == born(31)


def test_eligibility_explains_every_missing_condition(tree, add_young, measures):
    today = timezone.localdate()
    graduate = add_young(age=24, education="higher", graduated_year=today.year - 1)
    schoolkid = add_young(age=17, education="secondary", employed=True)
    village = measures["diploma_to_village"]
    assert eligibility(graduate, village, on=today).ok
    refused = eligibility(schoolkid, village, on=today)
    assert not refused.ok
    assert len(refused.reasons) == 2  # age and education
    assert not eligibility(schoolkid, measures["first_job"], on=today).ok  # has a job
    tree.village.kind = "city"
    tree.village.save()
    graduate.person.settlement.refresh_from_db()
    assert not eligibility(graduate, village, on=today).ok


def test_one_open_case_per_young_person(add_young, youth_worker):
    yp = add_young()
    services.case_open(actor=youth_worker, yp=yp, needs=["employment"])
    with pytest.raises(ValidationError):
        services.case_open(actor=youth_worker, yp=yp, needs=["training"])


def test_referral_goes_step_by_step(neet_case, youth_worker, measures):
    referral = services.referral_create(
        actor=youth_worker, case=neet_case, measure=measures["diploma_to_village"]
    )
    with pytest.raises(ValidationError) as exc:
        services.referral_move(actor=youth_worker, referral=referral, to="completed")
    assert exc.value.code == "illegal_transition"
    for status in ("accepted", "started", "completed"):
        referral = services.referral_move(actor=youth_worker, referral=referral, to=status)
    assert referral.completed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.referral_move(actor=youth_worker, referral=referral, to="refused", reason="x")


def test_a_refusal_needs_a_reason(neet_case, youth_worker, measures):
    referral = services.referral_create(
        actor=youth_worker, case=neet_case, measure=measures["job_centre"]
    )
    with pytest.raises(ValidationError):
        services.referral_move(actor=youth_worker, referral=referral, to="refused")
    referral = services.referral_move(
        actor=youth_worker, referral=referral, to="refused", reason="Не выходит на связь"
    )
    assert referral.refusal_reason == "Не выходит на связь"


def test_an_ineligible_referral_needs_an_override_and_a_reason(add_young, youth_worker, measures):
    yp = add_young(age=20, employed=True)
    case = services.case_open(actor=youth_worker, yp=yp, needs=["education"])
    with pytest.raises(ValidationError) as exc:
        services.referral_create(
            actor=youth_worker, case=case, measure=measures["diploma_to_village"]
        )
    assert exc.value.error_dict["measure"][0].code == "not_eligible"
    with pytest.raises(ValidationError):
        services.referral_create(
            actor=youth_worker, case=case, measure=measures["diploma_to_village"], override=True
        )
    services.referral_create(
        actor=youth_worker,
        case=case,
        measure=measures["diploma_to_village"],
        override=True,
        note="Поступает в колледж, заявка заранее",
    )
    assert Referral.objects.filter(case=case).count() == 1


def test_a_placement_makes_the_young_person_employed_and_is_checked_later(
    neet_case, youth_worker, measures
):
    started = timezone.localdate() - dt.timedelta(days=200)
    placement = services.placement_record(
        actor=youth_worker,
        case=neet_case,
        kind="work",
        started_on=started,
        organization="Школа",
        position="учитель",
    )
    yp = neet_case.young_person
    yp.refresh_from_db()
    assert derive_status(yp) == YouthStatus.EMPLOYED
    assert yp.employer == "Школа"
    placement = services.placement_check(
        actor=youth_worker, placement=placement, months=3, lasted=True
    )
    placement = services.placement_check(
        actor=youth_worker, placement=placement, months=6, lasted=False
    )
    assert (placement.lasted_3m, placement.lasted_6m) == (True, False)


def test_a_check_is_not_recorded_before_it_is_due(neet_case, youth_worker):
    placement = services.placement_record(
        actor=youth_worker,
        case=neet_case,
        kind="study",
        started_on=timezone.localdate(),
        organization="Колледж",
    )
    with pytest.raises(ValidationError):
        services.placement_check(actor=youth_worker, placement=placement, months=3, lasted=True)


def test_closing_a_case_stops_changes(neet_case, youth_worker, measures):
    services.case_close(actor=youth_worker, case=neet_case, reason="moved")
    with pytest.raises(ValidationError):
        services.referral_create(actor=youth_worker, case=neet_case, measure=measures["job_centre"])


def test_who_sees_cases(
    tree, neet_case, chair_a, chair_b, operator, auditor, district_admin, youth_worker, add_young
):
    add_young(primary=tree.primary_b, surname="Айсарин")
    assert list(cases_visible(chair_a)) == [neet_case]
    assert list(cases_visible(youth_worker)) == [neet_case]
    assert list(cases_visible(district_admin)) == [neet_case]
    for outsider in (chair_b, operator, auditor):
        assert list(cases_visible(outsider)) == []
    assert [yp.person.surname for yp in youth_visible(chair_b)] == ["Айсарин"]
    with pytest.raises(Http404):
        services.case_note_add(actor=chair_b, case=neet_case, text="чужой")


def test_follow_up_reminders_go_once(neet_case, youth_worker, django_capture_on_commit_callbacks):
    from django.core import mail

    youth_worker.email = "worker@example.org"
    youth_worker.save()
    day = neet_case.next_followup
    with django_capture_on_commit_callbacks(execute=True):
        assert services.followups_remind(today=day - dt.timedelta(days=1)) == 0
        assert services.followups_remind(today=day) == 1
        assert services.followups_remind(today=day + dt.timedelta(days=1)) == 0
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
