"""Granting and revoking roles: always by an actor, and only inside the actor's subtree."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from pervichka.accounts.models import RoleAssignment
from pervichka.accounts.services import role_assign, role_revoke
from pervichka.core.roles import Role
from tests.factories import UserFactory


def test_no_actor_grants_or_revokes_nothing(tree, chair_a):
    newcomer = UserFactory()
    with pytest.raises(Http404):
        role_assign(actor=None, user=newcomer, role=Role.CHAIR, org_unit=tree.primary_a)
    assert not newcomer.role_assignments.exists()
    with pytest.raises(Http404):
        role_revoke(actor=None, assignment=chair_a.role_assignments.get())
    assert chair_a.role_assignments.get().revoked_at is None
    with pytest.raises(TypeError):
        role_assign(newcomer, Role.CHAIR, tree.primary_a)  # the actor is keyword-only


def test_a_district_admin_grants_in_the_subtree_at_the_right_level_only(tree, district_admin):
    newcomer = UserFactory()
    with pytest.raises(Http404):
        role_assign(actor=district_admin, user=newcomer, role=Role.CHAIR, org_unit=tree.primary_c)
    with pytest.raises(ValidationError) as exc:
        role_assign(actor=district_admin, user=newcomer, role=Role.CHAIR, org_unit=tree.district)
    assert "org_unit" in exc.value.message_dict
    granted = role_assign(
        actor=district_admin, user=newcomer, role=Role.CHAIR, org_unit=tree.primary_a
    )
    assert granted.granted_by == district_admin
    assert list(RoleAssignment.objects.filter(user=newcomer)) == [granted]
