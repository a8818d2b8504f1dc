from django.contrib.auth.models import Permission
from django.urls import reverse

from pervichka.accounts.models import RoleAssignment
from pervichka.core.roles import Role
from pervichka.orgs.models import OrgUnit
from tests.factories import MembershipFactory, UserFactory


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


def test_admin_role_grant_in_another_districts_unit_is_refused(
    tree, login, district_admin, chair_b
):
    response = login(district_admin).post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": chair_b.pk, "role": Role.CHAIR, "org_unit": tree.primary_c.pk},
    )
    assert response.status_code == 200
    assert "org_unit" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(org_unit=tree.primary_c).exists()


def test_admin_role_grant_goes_through_the_service(tree, login, district_admin):
    newcomer = UserFactory(username="newcomer")
    response = login(district_admin).post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": newcomer.pk, "role": Role.CHAIR, "org_unit": tree.primary_a.pk},
    )
    assert response.status_code == 302
    granted = RoleAssignment.objects.get(user=newcomer)
    assert (granted.role, granted.org_unit, granted.granted_by) == (
        Role.CHAIR,
        tree.primary_a,
        district_admin,
    )
    assert granted.history.get().history_user == district_admin


def user_change_form(user, *roles) -> dict:
    """The User admin's change form for a user with no roles yet, adding `roles` inline."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-06-01",
        "date_joined_1": "10:00:00",
        "person": "",
        "role_assignments-TOTAL_FORMS": str(len(roles)),
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for index, (role, unit) in enumerate(roles):
        data[f"role_assignments-{index}-role"] = role
        data[f"role_assignments-{index}-org_unit"] = unit.pk
    return data


def test_user_admin_inline_checks_the_level_even_for_a_superuser(tree, login, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.org", "x")
    newcomer = UserFactory(username="newcomer")
    client = login(root)
    url = reverse("admin:accounts_user_change", args=[newcomer.pk])
    # A chair is the chair of a primary, not of a district.
    response = client.post(url, user_change_form(newcomer, (Role.CHAIR, tree.district)))
    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert "org_unit" in inline.formset.forms[0].errors
    assert not newcomer.role_assignments.exists()
    response = client.post(url, user_change_form(newcomer, (Role.CHAIR, tree.primary_c)))
    assert response.status_code == 302
    granted = newcomer.role_assignments.get()
    assert (granted.org_unit, granted.granted_by) == (tree.primary_c, root)


def test_user_admin_inline_keeps_a_district_admin_in_their_subtree(tree, login, district_admin):
    # Even one who was given Django's permissions to edit users and their roles.
    district_admin.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_user", "change_user", "add_roleassignment", "change_roleassignment"]
        )
    )
    newcomer = UserFactory(username="newcomer")
    client = login(district_admin)
    url = reverse("admin:accounts_user_change", args=[newcomer.pk])
    response = client.post(url, user_change_form(newcomer, (Role.CHAIR, tree.primary_c)))
    assert response.status_code == 200
    assert not newcomer.role_assignments.exists()
    response = client.post(url, user_change_form(newcomer, (Role.CHAIR, tree.primary_a)))
    assert response.status_code == 302
    assert newcomer.role_assignments.get().granted_by == district_admin


def test_admin_revokes_an_assignment_and_cannot_repoint_it(tree, login, district_admin, chair_a):
    assignment = chair_a.role_assignments.get()
    response = login(district_admin).post(
        reverse("admin:accounts_roleassignment_change", args=[assignment.pk]),
        {
            "user": district_admin.pk,
            "role": Role.CHAIR,
            "org_unit": tree.primary_b.pk,
            "revoked_at_0": "2026-06-15",
            "revoked_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.user, assignment.org_unit) == (chair_a, tree.primary_a)
    assert assignment.revoked_at is not None
    assert assignment.history.latest().history_user == district_admin
