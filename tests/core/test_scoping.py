import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from pervichka.core.roles import Perm, Role
from pervichka.core.scoping import forget_scope, has_perm_at, scope_paths
from pervichka.orgs.selectors import org_units_visible
from pervichka.people.selectors import memberships_visible
from tests.factories import UserFactory, grant


def test_chair_sees_only_their_primary(tree, chair_a, member_a, member_b):
    assert list(memberships_visible(chair_a)) == [member_a]
    assert [u.pk for u in org_units_visible(chair_a)] == [tree.primary_a.pk]


def test_district_admin_sees_the_whole_district_and_nothing_beyond(
    tree, district_admin, member_a, member_b
):
    assert set(memberships_visible(district_admin)) == {member_a, member_b}
    names = {u.name for u in org_units_visible(district_admin)}
    assert names == {"Акжарский район", "ППО Талшик", "ППО Айсары"}


def test_nested_assignments_collapse_to_one_prefix(tree, chair_a):
    grant(chair_a, Role.AUDITOR, tree.district)
    forget_scope(chair_a)
    assert scope_paths(chair_a, Perm.MEMBERS_VIEW) == [tree.district.path]


def test_role_grants_only_its_permissions(tree, operator):
    assert has_perm_at(operator, Perm.PEOPLE_MANAGE, tree.primary_a.path)
    assert not has_perm_at(operator, Perm.MEMBERS_MANAGE, tree.primary_a.path)


def test_revoked_role_grants_nothing(tree, chair_a, member_a):
    chair_a.role_assignments.update(revoked_at=timezone.now())
    forget_scope(chair_a)
    assert list(memberships_visible(chair_a)) == []


@pytest.mark.django_db
def test_anonymous_and_roleless_users_see_nothing(tree, member_a):
    assert list(memberships_visible(AnonymousUser())) == []
    assert list(memberships_visible(UserFactory())) == []


def test_superuser_sees_everything(tree, member_a, member_b):
    root = UserFactory(is_superuser=True)
    assert scope_paths(root, Perm.MEMBERS_VIEW) is None
    assert set(memberships_visible(root)) == {member_a, member_b}


def test_inactive_user_sees_nothing(tree, chair_a, member_a):
    chair_a.is_active = False
    assert list(memberships_visible(chair_a)) == []


def test_scoped_query_is_one_prefix_match_not_a_list_of_ids(
    tree, district_admin, django_assert_num_queries
):
    forget_scope(district_admin)
    with django_assert_num_queries(2):  # the user's assignments once, then the query
        sql = str(memberships_visible(district_admin).query)
        list(memberships_visible(district_admin))
    assert "LIKE" in sql.upper()
    assert " IN (" not in sql.upper()
