"""The logged-in user and their roles from the shared cache: no query per request for them.

Django's `AuthenticationMiddleware` reads the user's row on every request, and the first
scoped read then reads the user's role assignments. Both change rarely, so they are kept in
the cache as one entry per user, beside the two counters it was read at: the user's own
(moved on by every save or delete of the user or of one of their role assignments) and the
org tree's (moved on by every save or delete of an org unit: the scope is a list of paths).
The entry and both counters are read in one round trip; the entry is used only if both
counters are what they were when it was read from the database, and the session's
password hash still matches (a changed password logs the session out, as Django does).

The counters are moved on at once and again after the commit: a request that read the old
rows while the write was in flight stored them under a counter that no longer matches.
Only with a cache that every worker shares (`PERVICHKA_AUTH_CACHE`, on with Redis). Anything
odd — no counters (Redis down or evicted), another backend, a hash that does not
match — falls back to Django's own `get_user`, which also does what a mismatch requires
(the fallback secret keys, flushing the session).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from pervichka.accounts.models import RoleAssignment, User
from pervichka.accounts.selectors import roles_of
from pervichka.core.counters import counter_bump, counter_value
from pervichka.core.freshness import TREE_KEY
from pervichka.core.scoping import remember_scope

# A bound on what a write that sends no signal (a raw UPDATE in a shell) can leave stale.
SECONDS = 300
_ROLES_ATTR = "_pervichka_roles"


def _entry_key(pk: object) -> str:
    return f"pervichka:auth:{pk}"


def _version_key(pk: object) -> str:
    return f"pervichka:auth-version:{pk}"


def roles_cached(user: User) -> list[RoleAssignment]:
    """The user's active role assignments with their org units: those read with the user
    (no query), else read now."""
    roles = getattr(user, _ROLES_ATTR, None)
    if roles is None:
        roles = list(roles_of(user))
        _attach(user, roles)
    return roles


def _attach(user: User, roles: list[RoleAssignment]) -> None:
    setattr(user, _ROLES_ATTR, roles)
    remember_scope(user, roles)


def get_user(request: HttpRequest):
    session = request.session
    pk = session.get(auth.SESSION_KEY)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    if (
        not settings.PERVICHKA_AUTH_CACHE
        or pk is None
        or backend not in settings.AUTHENTICATION_BACKENDS
    ):
        return auth.get_user(request)
    keys = [_entry_key(pk), _version_key(pk), TREE_KEY]
    got = cache.get_many(keys)
    versions = (got.get(keys[1]), got.get(keys[2]))
    entry = got.get(keys[0])
    if None not in versions and isinstance(entry, tuple) and entry[0] == versions:
        user, roles = entry[1], entry[2]
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if (
            str(user.pk) == str(pk)
            and user.is_active
            and session_hash
            and constant_time_compare(session_hash, user.get_session_auth_hash())
        ):
            _attach(user, roles)
            return user
    # Read the counters first (creating them if missing), then the rows.
    versions = (counter_value(keys[1]), counter_value(keys[2]))
    user = auth.get_user(request)
    if user.is_authenticated:
        roles = list(roles_of(user))
        cache.set(keys[0], (versions, user, roles), SECONDS)
        _attach(user, roles)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, with the user and roles read through the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _request_user(request))


def _request_user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


def forget(pk: object) -> None:
    """The user's cached entry is stale: move their counter on now and after the commit."""
    key = _version_key(pk)
    counter_bump(key)
    transaction.on_commit(lambda: counter_bump(key))


def on_user_write(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        forget(instance.pk)


def on_assignment_write(sender, instance, **kwargs) -> None:
    if instance.user_id is not None:
        forget(instance.user_id)
