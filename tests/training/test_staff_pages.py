"""Issue 14, point 11: a cohort's trainers are changed, and courses created and edited, in
the staff pages; outsiders get 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pervichka.core.roles import Role
from pervichka.training import services
from pervichka.training.models import Course, Module
from tests import clock
from tests.factories import UserFactory, grant


@pytest.fixture
def trainer(tree):
    return grant(UserFactory(username="trainer", first_name="Бахыт"), Role.TRAINER, tree.district)


@pytest.fixture
def second_trainer(tree):
    return grant(UserFactory(username="trainer2"), Role.TRAINER, tree.district)


@pytest.fixture
def course(db):
    course = Course.objects.create(code="chairs", name="Председатель первички")
    Module.objects.create(course=course, order=1, name="Устав", hours=Decimal(4))
    return course


@pytest.fixture
def cohort(trainer, course, tree):
    return services.cohort_create(
        actor=trainer,
        course=course,
        unit=tree.district,
        name="Акжар, осень",
        starts_on=clock.TODAY,
        ends_on=clock.TODAY + dt.timedelta(days=10),
        trainers=[trainer],
    )


def test_the_trainers_of_a_cohort_are_changed(cohort, trainer, second_trainer, login):
    client = login(trainer)
    page = client.get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    assert reverse("training:cohort_trainers", args=[cohort.pk]) in page
    response = client.post(
        reverse("training:cohort_trainers", args=[cohort.pk]), {"trainers": [second_trainer.pk]}
    )
    assert response.status_code == 302
    assert list(cohort.trainers.all()) == [second_trainer]


def test_a_trainer_of_another_district_cannot_be_named(cohort, trainer, tree, login):
    stranger = grant(UserFactory(username="far"), Role.TRAINER, tree.other_district)
    services_refused = login(trainer).post(
        reverse("training:cohort_trainers", args=[cohort.pk]), {"trainers": [stranger.pk]}
    )
    assert services_refused.status_code == 200
    assert list(cohort.trainers.all()) == [trainer]


def test_outsiders_cannot_change_the_trainers(cohort, trainer, chair_b, other_admin, login):
    for outsider in (chair_b, other_admin):
        client = login(outsider)
        url = reverse("training:cohort_trainers", args=[cohort.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"trainers": [outsider.pk]}).status_code == 404
    assert list(cohort.trainers.all()) == [trainer]


@pytest.fixture
def national_admin(tree):
    return grant(UserFactory(username="national", is_staff=True), Role.ADMIN, tree.party)


def course_data(**changes):
    data = {
        "code": "deputies",
        "name": "Депутат маслихата",
        "name_kk": "Мәслихат депутаты",
        "name_en": "Maslikhat deputy",
        "pass_mark": "70",
        "min_attendance": "80",
        "is_active": "on",
        "modules-TOTAL_FORMS": "2",
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
        "modules-0-order": "1",
        "modules-0-name": "Бюджет района",
        "modules-0-hours": "6",
        "modules-1-order": "1",  # the empty row as the page shows it: left alone
        "modules-1-name": "",
        "modules-1-hours": "",
    }
    data.update(changes)
    return data


def test_a_national_training_admin_creates_and_edits_a_course(national_admin, login):
    client = login(national_admin)
    assert client.get(reverse("training:course_new")).status_code == 200
    response = client.post(reverse("training:course_new"), course_data())
    assert response.status_code == 302, response.context["modules"].errors
    course = Course.objects.get(code="deputies")
    assert (course.pass_mark, course.name_en) == (70, "Maslikhat deputy")
    assert [m.name for m in course.modules.all()] == ["Бюджет района"]
    module = course.modules.get()
    response = client.post(
        reverse("training:course_edit", args=[course.pk]),
        course_data(
            pass_mark="65",
            **{
                "modules-TOTAL_FORMS": "1",
                "modules-INITIAL_FORMS": "1",
                "modules-0-id": str(module.pk),
                "modules-0-course": str(course.pk),
                "modules-0-hours": "8",
            },
        ),
    )
    assert response.status_code == 302, response.context["modules"].errors
    course.refresh_from_db()
    module.refresh_from_db()
    assert (course.pass_mark, module.hours) == (65, Decimal(8))


def test_a_pass_mark_above_100_is_refused(national_admin, login):
    response = login(national_admin).post(
        reverse("training:course_new"), course_data(pass_mark="150")
    )
    assert response.status_code == 200
    assert not Course.objects.filter(code="deputies").exists()


def test_district_and_primary_users_cannot_edit_courses(
    course, trainer, district_admin, chair_a, other_admin, login
):
    for outsider in (trainer, district_admin, chair_a, other_admin):
        client = login(outsider)
        assert client.get(reverse("training:courses")).status_code == 404
        assert client.get(reverse("training:course_new")).status_code == 404
        assert client.post(reverse("training:course_new"), course_data()).status_code == 404
        edit = reverse("training:course_edit", args=[course.pk])
        assert client.post(edit, course_data(name="<script>x</script>")).status_code == 404
    course.refresh_from_db()
    assert course.name == "Председатель первички"
    assert not Course.objects.filter(code="deputies").exists()
