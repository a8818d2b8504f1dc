"""Writes to accounts: role assignments and API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.accounts.models import ApiToken, RoleAssignment, User, hash_token
from pervichka.core.history import save_as
from pervichka.core.roles import ROLE_UNIT_KINDS, Perm, Role
from pervichka.core.scoping import forget_scope, has_perm_at


def role_assign_check(*, actor: User, user: User | None, role: str, org_unit) -> None:
    """The checks of `role_assign` without the write, for forms that show them as errors.

    Raises Http404 when the actor may not grant roles at `org_unit` (outside their subtree:
    missing and forbidden alike), ValidationError for a role the unit's level cannot hold
    or one the user holds there already. `user` may be unsaved (a user being added).
    """
    if not has_perm_at(actor, Perm.ACCOUNTS_MANAGE, org_unit.path):
        raise Http404
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if org_unit.kind not in ROLE_UNIT_KINDS[role]:
        raise ValidationError(
            {"org_unit": _("This role cannot be held at this level of the organization.")}
        )
    if (
        user is not None
        and user.pk is not None
        and RoleAssignment.objects.filter(
            user=user, role=role, org_unit=org_unit, revoked_at__isnull=True
        ).exists()
    ):
        raise ValidationError(_("The user already holds this role here."))


@transaction.atomic
def role_assign(*, actor: User, user: User, role: str, org_unit) -> RoleAssignment:
    """Grant `role` over the subtree of `org_unit`. Only an administrator above it may: there
    is no actor that skips the check (a command acts as an explicit, e.g. super, user)."""
    role_assign_check(actor=actor, user=user, role=role, org_unit=org_unit)
    assignment = RoleAssignment(user=user, role=role, org_unit=org_unit, granted_by=actor)
    save_as(assignment, actor)
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> RoleAssignment:
    """End the assignment now; only an administrator above its org unit may."""
    if not has_perm_at(actor, Perm.ACCOUNTS_MANAGE, assignment.org_unit.path):
        raise Http404
    if assignment.revoked_at is None:
        assignment.revoked_at = timezone.now()
        save_as(assignment, actor)
    forget_scope(assignment.user)
    return assignment


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor. The raw key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script it is for.")})
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=actor, name=name[:100], key_hash=hash_token(raw), hint=raw[-4:]
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of the user: called when the password changes, since a
    token made by whoever knew the old password must not outlive it. Returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_token_authenticate(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy script should not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
