"""The School: enrolment, attendance, assessment and the certificate anyone can check;
coverage of the chairs and the KPIs; reminders; who may see a cohort."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from pervichka.core.kpis import Period, compute
from pervichka.core.roles import Role
from pervichka.orgs.services import position_assign
from pervichka.training import services
from pervichka.training.models import Course, Module
from tests import clock
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def trainer(tree):
    return grant(UserFactory(username="trainer"), Role.TRAINER, tree.district)


@pytest.fixture
def course(db):
    course = Course.objects.create(
        code="chairs", name="Председатель первички", required_for_chairs=True, pass_mark=60
    )
    for order in (1, 2):
        Module.objects.create(course=course, order=order, name=f"Модуль {order}", hours=Decimal(4))
    return course


@pytest.fixture
def chairs(tree, district_admin):
    """Chairs of primaries A and B."""
    result = {}
    for unit in (tree.primary_a, tree.primary_b):
        person = PersonFactory(unit=unit, surname=f"Председатель{unit.pk}")
        position_assign(
            actor=district_admin,
            org_unit=unit,
            person=person,
            kind="chair",
            start=dt.date(2024, 1, 1),
        )
        result[unit.pk] = person
    return result


@pytest.fixture
def cohort(trainer, course, tree):
    cohort = services.cohort_create(
        actor=trainer,
        course=course,
        unit=tree.district,
        name="Акжар, осень",
        starts_on=TODAY - dt.timedelta(days=10),
        ends_on=TODAY + dt.timedelta(days=10),
    )
    for days_ago, module in ((8, course.modules.first()), (2, course.modules.last())):
        services.session_add(
            actor=trainer,
            cohort=cohort,
            module=module,
            starts_at=timezone.now() - dt.timedelta(days=days_ago),
            hours=Decimal(4),
        )
    return cohort


def attend(trainer, cohort, present_enrolments, sessions=None):
    for session in sessions or cohort.sessions.all():
        services.attendance_mark(
            actor=trainer, session=session, present={e.pk for e in present_enrolments}
        )


def test_a_chair_who_attends_and_passes_gets_a_certificate_anyone_can_check(
    trainer, cohort, chairs, tree, client
):
    chair = chairs[tree.primary_a.pk]
    enrolment = services.enrol(actor=trainer, cohort=cohort, person=chair)
    assert enrolment.primary == tree.primary_a
    attend(trainer, cohort, [enrolment])
    enrolment = services.assess(actor=trainer, enrolment=enrolment, score=75)
    assert enrolment.status == "completed"
    assert len(enrolment.certificate_code) == 12
    with pytest.raises(ValidationError, match="cannot be assessed again"):
        services.assess(actor=trainer, enrolment=enrolment, score=90)
    page = client.get("/certificates/", {"code": enrolment.certificate_code.lower()})
    html = page.content.decode()
    assert 'data-valid="yes"' in html
    assert chair.surname in html
    assert chair.iin not in html
    assert (
        'data-valid="no"' in client.get("/certificates/", {"code": "ZZZZZZZZZZZZ"}).content.decode()
    )
    api = client.get(f"/api/v1/public/certificates/{enrolment.certificate_code}").json()
    assert api["valid"] is True
    assert api["holder"].startswith(chair.surname)
    assert client.get("/api/v1/public/certificates/NOPE").status_code == 404


def test_too_little_attendance_or_a_low_score_does_not_pass(trainer, cohort, chairs, tree):
    a = services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_a.pk])
    b = services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_b.pk])
    first = cohort.sessions.first()
    attend(trainer, cohort, [b])
    attend(trainer, cohort, [a, b], sessions=[first])  # a attended 1 of 2 sessions: 50%
    a = services.assess(actor=trainer, enrolment=a, score=95)
    assert a.status == "failed"
    assert "50%" in a.note
    b = services.assess(actor=trainer, enrolment=b, score=40)
    assert b.status == "failed"
    assert "pass mark is 60" in b.note
    assert not a.certificate_code
    assert not b.certificate_code


def test_enrolment_is_once_per_cohort_and_not_after_completion(trainer, cohort, chairs, tree):
    person = chairs[tree.primary_a.pk]
    enrolment = services.enrol(actor=trainer, cohort=cohort, person=person)
    with pytest.raises(ValidationError, match="already enrolled"):
        services.enrol(actor=trainer, cohort=cohort, person=person)
    attend(trainer, cohort, [enrolment])
    services.assess(actor=trainer, enrolment=enrolment, score=80)
    again = services.cohort_create(
        actor=trainer,
        course=cohort.course,
        unit=tree.district,
        name="Ещё поток",
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=5),
    )
    with pytest.raises(ValidationError, match="already completed"):
        services.enrol(actor=trainer, cohort=again, person=person)
    assert services.enrol_chairs(actor=trainer, cohort=again) == 1  # only B's chair left


def test_sessions_stay_within_the_cohort_and_attendance_is_not_marked_ahead(trainer, cohort):
    with pytest.raises(ValidationError, match="within the cohort's dates"):
        services.session_add(
            actor=trainer,
            cohort=cohort,
            starts_at=timezone.now() + dt.timedelta(days=30),
            hours=Decimal(2),
        )
    ahead = services.session_add(
        actor=trainer, cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=2), hours=2
    )
    with pytest.raises(ValidationError, match="on the day of the session"):
        services.attendance_mark(actor=trainer, session=ahead, present=set())


def test_coverage_and_kpis_count_the_current_chairs(trainer, cohort, chairs, tree, login):
    a = services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_a.pk])
    services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_b.pk])
    attend(trainer, cohort, [a])
    services.assess(actor=trainer, enrolment=a, score=70)
    from pervichka.training.selectors import coverage

    rows, share = coverage(tree.district)
    assert share == 0.5
    assert [r.trained for r in rows] == [False, True]  # the untrained first
    period = Period(TODAY - dt.timedelta(days=30), TODAY)
    units = [tree.district.pk, tree.primary_a.pk, tree.primary_b.pk]
    trained = compute("chair_trained", units, period)
    assert trained == {tree.district.pk: 0.5, tree.primary_a.pk: 1.0, tree.primary_b.pk: 0.0}
    hours = compute("training_hours", units, period)
    assert hours[tree.primary_a.pk] == 8.0
    assert hours[tree.district.pk] == 8.0
    page = login(trainer).get("/training/coverage/").content.decode()
    assert 'data-trained="no"' in page


def test_reminders_go_once_to_those_enrolled(
    trainer, cohort, chairs, tree, django_capture_on_commit_callbacks
):
    from pervichka.core.models import Notification

    enrolment = services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_a.pk])
    services.session_add(
        actor=trainer, cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=5), hours=2
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_sessions() == 1
        assert services.remind_sessions() == 0
    message = Notification.objects.get(kind="training_session")
    assert message.to == enrolment.person.phone
    assert message.status == "sent"


def test_a_cohort_is_seen_only_where_it_is_run(trainer, cohort, chair_b, other_admin, login, tree):
    for outsider in (chair_b, other_admin):
        client = login(outsider)
        assert client.get(f"/training/cohorts/{cohort.pk}/").status_code == 404
        assert client.post(f"/training/cohorts/{cohort.pk}/chairs/").status_code == 404
    with pytest.raises(Http404):
        services.enrol_chairs(actor=other_admin, cohort=cohort)
    assert login(trainer).get(f"/training/cohorts/{cohort.pk}/").status_code == 200


def test_a_cohort_is_created_with_its_trainers_shown_on_its_page_and_in_the_api(
    trainer, course, tree, district_admin, other_admin, login
):
    trainer.first_name, trainer.last_name = "Айжан", "Тренерова"
    trainer.save()
    elsewhere = grant(UserFactory(username="trainer_far"), Role.TRAINER, tree.other_district)
    client = login(district_admin)
    form = client.get("/training/cohorts/new/").content.decode()
    assert f'<option value="{trainer.pk}"' in form
    assert f'<option value="{elsewhere.pk}"' not in form
    data = {
        "course": course.pk,
        "unit": tree.district.pk,
        "name": "Акжар, зима",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=20)).isoformat(),
    }
    refused = client.post("/training/cohorts/new/", {**data, "trainers": [elsewhere.pk]})
    assert refused.status_code == 200
    assert not course.cohorts.exists()
    created = client.post(
        "/training/cohorts/new/", {**data, "trainers": [trainer.pk, district_admin.pk]}
    )
    cohort = course.cohorts.get()
    assert created.url == f"/training/cohorts/{cohort.pk}/"
    assert set(cohort.trainers.all()) == {trainer, district_admin}
    page = client.get(created.url).content.decode()
    assert "Айжан Тренерова" in page
    admin_name = district_admin.get_full_name()
    assert f'data-trainer="{district_admin.pk}">{admin_name}<' in page
    api = client.get(f"/api/v1/training/cohorts/{cohort.pk}").json()
    assert api["trainers"] == [
        {"id": district_admin.pk, "name": admin_name},
        {"id": trainer.pk, "name": "Айжан Тренерова"},
    ]
    assert district_admin.last_name < trainer.last_name  # the order is by surname
    outsider = login(other_admin)
    assert outsider.get(created.url).status_code == 404
    assert outsider.get(f"/api/v1/training/cohorts/{cohort.pk}").status_code == 404
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match="may not run cohorts"):
        services.cohort_create(
            actor=district_admin,
            course=course,
            unit=tree.district,
            name="Акжар, весна",
            starts_on=TODAY,
            ends_on=TODAY,
            trainers=[elsewhere],
        )


def test_coverage_shows_a_percentage_and_the_counts(trainer, cohort, chairs, tree, login):
    a = services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_a.pk])
    attend(trainer, cohort, [a])
    services.assess(actor=trainer, enrolment=a, score=70)
    page = login(trainer).get("/training/coverage/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-share="50"' in html
    assert "Chairs trained: 50% (1 of 2)" in html
    ru = login(trainer).get("/training/coverage/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "50% (1 из 2)" in ru


def test_the_printed_certificate_hides_the_menu_and_links_to_its_check(
    trainer, cohort, chairs, tree, login, other_admin
):
    enrolment = services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_a.pk])
    attend(trainer, cohort, [enrolment])
    enrolment = services.assess(actor=trainer, enrolment=enrolment, score=80)
    code = enrolment.certificate_code
    html = login(trainer).get(f"/training/certificates/{code}/").content.decode()
    assert "@media print { nav.navbar" in html
    link = f'href="http://testserver/certificates/?code={code}"'
    assert link in html
    client = login(other_admin)
    assert client.get(f"/training/certificates/{code}/").status_code == 404
    client.logout()
    check = client.get(f"/certificates/?code={code}").content.decode()
    assert 'data-valid="yes"' in check


def test_a_course_describes_itself_in_the_readers_language(trainer, course, login):
    course.description = "Очно и онлайн"
    course.description_kk = "Күндізгі және онлайн"
    course.description_en = "In class and online"
    course.save()
    client = login(trainer)
    for language, text in (
        ("ru", "Очно и онлайн"),
        ("kk", "Күндізгі және онлайн"),
        ("en", "In class and online"),
    ):
        page = client.get("/training/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert text in page
    course.description_en = ""
    course.save()
    assert "Очно и онлайн" in client.get("/training/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_reminder_command_queues_the_sessions_sms_once(
    trainer, cohort, chairs, tree, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from pervichka.core.models import Notification

    services.enrol(actor=trainer, cohort=cohort, person=chairs[tree.primary_a.pk])
    services.session_add(
        actor=trainer, cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=3), hours=2
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("training_remind", stdout=out)
        call_command("training_remind", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) queued", "0 reminder(s) queued"]
    assert Notification.objects.filter(kind="training_session").count() == 1
