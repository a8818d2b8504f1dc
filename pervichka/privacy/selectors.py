"""Reads of the breach register, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from pervichka.accounts.models import User
from pervichka.accounts.selectors import roles_of, users_with_perm_in
from pervichka.core.roles import ROLE_PERMISSIONS, Perm
from pervichka.core.scoping import get_or_404
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import org_units_visible
from pervichka.privacy.models import Breach


def breaches_visible(user) -> QuerySet[Breach]:
    return Breach.objects.visible_to(user, Perm.PRIVACY_BREACHES).select_related(
        "unit", "responsible"
    )


def breach_get(user, pk: object) -> Breach:
    return get_or_404(breaches_visible(user), pk=pk)


def breach_units(user) -> QuerySet[OrgUnit]:
    """The units where the user may register a breach: party, regions and districts."""
    return org_units_visible(user, perm=Perm.PRIVACY_BREACHES).filter(
        kind__in=["party", "region", "district"]
    )


def breach_responsibles(user) -> QuerySet[User]:
    """Who may be made responsible: users holding the register's right at or below (or
    above) the units where the user holds it; the user among them."""
    ids = {user.pk}
    for assignment in roles_of(user):
        if Perm.PRIVACY_BREACHES in ROLE_PERMISSIONS.get(assignment.role, ()):
            holders = users_with_perm_in(Perm.PRIVACY_BREACHES, assignment.org_unit)
            ids.update(holders.values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "username")
