from __future__ import annotations

from django.db.models import Q, QuerySet

from pervichka.accounts.models import ApiToken, RoleAssignment, User
from pervichka.core.roles import ROLE_PERMISSIONS, Perm
from pervichka.core.tree import ancestor_paths


def roles_of(user) -> QuerySet[RoleAssignment]:
    return user.role_assignments.filter(revoked_at__isnull=True).select_related("org_unit")


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return user.api_tokens.all()


def _users_holding(perm: Perm) -> QuerySet[User]:
    """Active users with an active assignment whose role grants `perm` (anywhere)."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    return User.objects.filter(
        is_active=True,
        role_assignments__revoked_at__isnull=True,
        role_assignments__role__in=roles,
    )


def users_with_perm_anywhere(perm: Perm) -> QuerySet[User]:
    """Active users holding `perm` at some unit of the tree."""
    return _users_holding(perm).distinct().order_by("last_name", "first_name")


def users_with_perm_in(perm: Perm, unit) -> QuerySet[User]:
    """Active users holding `perm` somewhere in or above `unit`'s subtree."""
    return (
        _users_holding(perm)
        .filter(
            Q(role_assignments__org_unit__path__startswith=unit.path)
            | Q(role_assignments__org_unit__path__in=ancestor_paths(unit.path, include_self=True))
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
