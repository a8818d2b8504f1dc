from django.urls import reverse

from pervichka.core.roles import Role
from pervichka.orgs.models import OrgUnit
from tests.factories import MembershipFactory


def test_admin_lists_only_the_administrators_subtree(tree, login, district_admin, member_a):
    outsider = MembershipFactory(primary=tree.primary_c, person__surname="Чужой")
    client = login(district_admin)
    page = client.get(reverse("admin:people_person_changelist")).text
    assert "Ахметова" in page
    assert "Чужой" not in page
    change = reverse("admin:people_person_change", args=[outsider.person.pk])
    assert client.get(change).status_code in (302, 404)  # admin redirects "does not exist"


def test_admin_org_unit_choices_are_scoped(tree, login, district_admin):
    client = login(district_admin)
    page = client.get(reverse("admin:accounts_roleassignment_add")).text
    assert "ППО Талшик" in page
    assert "ППО Дальнее" not in page


def test_admin_cannot_delete(tree, login, district_admin, member_a):
    client = login(district_admin)
    url = reverse("admin:people_membership_delete", args=[member_a.pk])
    assert client.get(url).status_code == 403


def test_admin_role_assignment_checks_the_level(tree, login, district_admin, chair_b):
    client = login(district_admin)
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": chair_b.pk,
            "role": Role.CHAIR,
            "org_unit": tree.district.pk,
        },
    )
    assert response.status_code == 200
    assert not chair_b.role_assignments.filter(org_unit=tree.district).exists()


def test_chair_is_not_let_into_the_admin(tree, login, chair_a):
    response = login(chair_a).get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_org_units_are_scoped(tree, login, district_admin):
    page = login(district_admin).get(reverse("admin:orgs_orgunit_changelist")).text
    assert "Акжарский район" in page
    assert "ППО Айсары" in page
    assert "Другой район" not in page
    assert "ППО Дальнее" not in page


def test_superuser_sees_the_whole_tree(tree, login, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.org", "x")
    page = login(root).get(reverse("admin:orgs_orgunit_changelist")).text
    for unit in OrgUnit.objects.all():
        assert str(unit) in page


def test_only_the_national_level_changes_the_working_day_calendar(tree, login, district_admin):
    from tests.factories import UserFactory, grant

    district = login(district_admin)
    assert district.get(reverse("admin:core_calendaroverride_changelist")).status_code == 200
    assert district.get(reverse("admin:core_calendaroverride_add")).status_code == 403
    national = grant(UserFactory(username="national", is_staff=True), Role.ADMIN, tree.party)
    assert login(national).get(reverse("admin:core_calendaroverride_add")).status_code == 200
