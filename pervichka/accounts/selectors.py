from __future__ import annotations

from django.db.models import QuerySet

from pervichka.accounts.models import ApiToken, RoleAssignment


def roles_of(user) -> QuerySet[RoleAssignment]:
    return user.role_assignments.filter(revoked_at__isnull=True).select_related("org_unit")


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return user.api_tokens.all()


def users_with_perm_in(perm, unit) -> QuerySet:
    """Active users holding `perm` somewhere in or above `unit`'s subtree."""
    from django.db.models import Q

    from pervichka.accounts.models import User
    from pervichka.core.roles import ROLE_PERMISSIONS

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    step = 4
    ancestors = [unit.path[:i] for i in range(step, len(unit.path) + 1, step)]
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__revoked_at__isnull=True,
            role_assignments__role__in=roles,
        )
        .filter(
            Q(role_assignments__org_unit__path__startswith=unit.path)
            | Q(role_assignments__org_unit__path__in=ancestors)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
