"""The one place that decides what a user may see and change.

A role assignment grants its role's permissions over the subtree of its org unit. The
subtree is a prefix of the materialized tree path (django-treebeard MP_Node), so a scoped
query is one indexed `LIKE 'prefix%'` per assignment, never a list of ids: it costs the
same for a chair of one primary as for the administrator of a region.

Every selector, view, admin page and API endpoint goes through these functions. What is
outside the scope is reported as missing (404), never as forbidden, so that nobody can
learn that an object exists by asking for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from pervichka.core.roles import ROLE_PERMISSIONS, Perm
from pervichka.core.tree import PARTY, ancestor_paths, sees_level, within_any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pervichka.accounts.models import User

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_pervichka_scope_paths"


def _assignment_paths(user: User) -> list[tuple[str, str]]:
    """(role, org unit path) of the user's active assignments, read once per user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.role_assignments.filter(revoked_at__isnull=True).values_list(
                "role", "org_unit__path"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def remember_scope(user: User, assignments: Iterable) -> None:
    """Fill the cached scope from assignments a view has already read (with their org units),
    so that the scope costs no second query."""
    setattr(
        user,
        _CACHE_ATTR,
        [(a.role, a.org_unit.path) for a in assignments if a.revoked_at is None],
    )


def forget_scope(user: User) -> None:
    """Drop the cached scope after the user's assignments changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_signature(user: User | AnonymousUser | None) -> str:
    """A short name for everything the user's scoped reads depend on (superuser, active, the
    roles and where they are held): users with the same signature see the same rows, so a
    cache of figures or filter choices is shared by all holders of one role set."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "none"
    if user.is_superuser:
        return "all"
    held = repr(sorted(set(_assignment_paths(user))))
    return hashlib.sha256(held.encode()).hexdigest()[:24]


def _collapse(paths: Iterable[str]) -> list[str]:
    """Remove paths that lie inside another path of the list: one prefix covers them."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def scope_paths(user: User | AnonymousUser | None, perm: Perm) -> list[str] | None:
    """The tree paths under which `user` holds `perm`; None means everywhere (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return _collapse(
        path for role, path in _assignment_paths(user) if perm in ROLE_PERMISSIONS.get(role, ())
    )


def scope_q(user: User | AnonymousUser | None, perm: Perm, path_field: str = "path") -> Q:
    """A Q object limiting a queryset to the rows whose `path_field` lies in the scope."""
    paths = scope_paths(user, perm)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def upwards_q(user: User | AnonymousUser | None, perm: Perm, path_field: str = "path") -> Q:
    """The scope and the units above it: what a chair reads from the levels above (the
    district's programme, its settlements, its measures) without managing it."""
    paths = scope_paths(user, perm)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
        above = ancestor_paths(path)
        if above:
            q |= Q(**{f"{path_field}__in": above})
    return q


def visible(
    queryset: QuerySet[M], user: User | AnonymousUser | None, perm: Perm, path_field: str = "path"
) -> QuerySet[M]:
    return queryset.filter(scope_q(user, perm, path_field))


class ScopedQuerySet(QuerySet):
    """The default queryset of every model that belongs to an org unit.

    The model names the tree path it is scoped by in `scope_path` (for example
    `"primary__path"`); reads go through `visible_to(user, perm)`, so the scope is part of
    the query a view starts from, not a call it has to remember.
    """

    def _scope_field(self) -> str:
        field = getattr(self.model, "scope_path", None)
        if field is None:  # pragma: no cover - a programming error caught by the tests
            raise TypeError(f"{self.model.__name__} has no scope_path")
        return field

    def visible_to(self, user: User | AnonymousUser | None, perm: Perm) -> QuerySet:
        return self.filter(scope_q(user, perm, self._scope_field()))

    def readable_upwards(self, user: User | AnonymousUser | None, perm: Perm) -> QuerySet:
        return self.filter(upwards_q(user, perm, self._scope_field()))

    def get_for(self, user: User | AnonymousUser | None, perm: Perm, **lookup: object):
        """One object the user may see under `perm`; 404 for missing and forbidden alike."""
        return get_or_404(self.visible_to(user, perm), **lookup)


def has_perm_at(user: User | AnonymousUser | None, perm: Perm, path: str) -> bool:
    """Does the user hold `perm` at the org unit with this tree path?"""
    return within_any(path, scope_paths(user, perm))


def has_perm_anywhere(user: User | AnonymousUser | None, perm: Perm) -> bool:
    paths = scope_paths(user, perm)
    return paths is None or bool(paths)


def has_perm_nationally(user: User | AnonymousUser | None, perm: Perm) -> bool:
    """Does `user` hold `perm` at the party's level (or is a superuser)? National records
    (the School's courses, the calendar's transfers) are kept there."""
    return sees_level(scope_paths(user, perm), PARTY)


def get_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """Fetch one object from an already scoped queryset; missing and forbidden look the same."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def pii_checker(user: User | AnonymousUser | None, perm: Perm) -> Callable[[str], bool]:
    """A test, for many rows at once, of whether the user may read personal data kept at a
    unit's path: the scope is read once, each row costs a prefix comparison."""
    paths = scope_paths(user, perm)
    return lambda path: within_any(path, paths)
