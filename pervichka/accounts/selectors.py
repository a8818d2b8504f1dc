from __future__ import annotations

from django.db.models import QuerySet

from pervichka.accounts.models import ApiToken, RoleAssignment


def roles_of(user) -> QuerySet[RoleAssignment]:
    return user.role_assignments.filter(revoked_at__isnull=True).select_related("org_unit")


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return user.api_tokens.all()
