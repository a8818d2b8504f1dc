"""The access log at work (issue 13, point 10): every view of an unmasked IIN or phone and
every export of personal data is recorded — who, when, which person or how many rows — and
an auditor reads the log of their subtree, filtered by user and person.

The log itself (`AccessLog`) is append-only: the model refuses updates and deletions, and on
PostgreSQL a trigger refuses them too (migration people 0005)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from pervichka.core.exporting import rows_written, rows_written_reset
from pervichka.core.roles import Perm
from pervichka.orgs.models import OrgUnit
from pervichka.people.enums import AccessAction
from pervichka.people.models import AccessLog, Person
from pervichka.people.services import access_log_record


def pii_view_record(*, actor, person: Person | None, what: str) -> None:
    """A page or API answer showed this person's IIN or phone unmasked."""
    if person is None or not getattr(actor, "is_authenticated", False):
        return
    access_log_record(actor=actor, action=AccessAction.VIEW, person=person, what=what)


def home_unit(user, perm: Perm) -> OrgUnit | None:
    """The broadest unit where `user` holds `perm`: an export's entry is logged there, so
    the auditors above it see it (a superuser's entries go to the root)."""
    return OrgUnit.objects.visible_to(user, perm).order_by("depth", "path").first()


def export_record(*, actor, perm: Perm, what: str, rows: int) -> None:
    access_log_record(
        actor=actor, action=AccessAction.EXPORT, unit=home_unit(actor, perm), rows=rows, what=what
    )


def records_export(what: str, perm: Perm) -> Callable:
    """View decorator: a download of personal data (a file answered as an attachment) is
    written to the access log with the number of rows the file held; `perm` is the
    permission the export reads under, which places the entry in the tree."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            rows_written_reset()
            response = view(request, *args, **kwargs)
            disposition = response.get("Content-Disposition", "")
            if response.status_code == 200 and disposition.startswith("attachment"):
                export_record(actor=request.user, perm=perm, what=what, rows=rows_written())
            return response

        return wrapper

    return decorator


@dataclass(frozen=True)
class AccessLogFilters:
    actor_id: int | None = None
    person_id: int | None = None
    action: str = ""


def access_log_list(user, filters: AccessLogFilters) -> QuerySet[AccessLog]:
    """The entries of the user's subtree (by the unit the data belongs to), newest first."""
    entries = AccessLog.objects.visible_to(user, Perm.ACCESS_LOG_VIEW).select_related(
        "actor", "person", "unit"
    )
    if filters.actor_id:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.person_id:
        entries = entries.filter(person_id=filters.person_id)
    if filters.action:
        entries = entries.filter(action=filters.action)
    return entries.order_by("-at", "-pk")


def access_log_actors(user) -> QuerySet:
    """The users who appear in the log the user may read (for the filter's choices)."""
    ids = (
        AccessLog.objects.visible_to(user, Perm.ACCESS_LOG_VIEW)
        .exclude(actor=None)
        .values("actor_id")
        .distinct()
    )
    return get_user_model().objects.filter(pk__in=ids).order_by("username")
