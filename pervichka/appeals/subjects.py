"""What the appeals hold about a person, for subject requests and retention (core.subjects).

An appeal is kept by law once registered: anonymising replaces the citizen's contacts and
the texts, and keeps the registration number, the dates, the category and the outcome."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from pervichka.appeals.enums import OPEN_STATUSES, Status
from pervichka.appeals.models import Appeal
from pervichka.core import subjects
from pervichka.people.subjects import person_anonymise_if_unused

_WIPE = {"contact_phone": "", "contact_email": "", "text": subjects.ANONYMOUS, "answer_text": ""}


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    rows = [
        [
            a.number,
            cell(a.received_at),
            a.get_channel_display(),
            cell(a.category),
            a.get_status_display(),
            a.contact_phone,
            a.contact_email,
            a.text,
            a.answer_text,
        ]
        for a in Appeal.objects.filter(person_id=person_id)
        .select_related("category")
        .order_by("received_at")
    ]
    header = [
        _("registration number"),
        _("received"),
        _("channel"),
        _("category"),
        _("status"),
        _("phone for answers"),
        _("email for answers"),
        _("text of the appeal"),
        _("answer"),
    ]
    links = [
        (number, reverse("appeals:detail", args=[pk]))
        for pk, number in Appeal.objects.filter(person_id=person_id).values_list("pk", "number")
    ]
    return [subjects.Section(_("Appeals"), header, rows, links)]


def keeps(person_id: int) -> list[str]:
    if Appeal.objects.filter(person_id=person_id, status__in=OPEN_STATUSES).exists():
        return [_("an appeal still being answered")]
    return []


def _wipe(queryset) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    changed = Appeal.objects.filter(pk__in=ids).update(search_text="", **_WIPE)
    Appeal.history.filter(id__in=ids).update(**_WIPE)
    return changed


def anonymise(person_id: int) -> int:
    return _wipe(Appeal.objects.filter(person_id=person_id))


def retention(today: dt.date) -> int:
    """Appeals closed longer ago than PERVICHKA_RETENTION_APPEALS_DAYS lose the citizen's
    contacts and texts; their person is anonymised once no purpose of theirs remains."""
    limit = today - dt.timedelta(days=settings.PERVICHKA_RETENTION_APPEALS_DAYS)
    expired = Appeal.objects.filter(status=Status.CLOSED, closed_at__date__lt=limit).exclude(
        text=subjects.ANONYMOUS
    )
    persons = set(expired.exclude(person=None).values_list("person_id", flat=True))
    changed = _wipe(expired)
    for person_id in persons:
        person_anonymise_if_unused(person_id)
    return changed


def register() -> None:
    subjects.register("appeals", export=export, keeps=keeps, anonymise=anonymise)
    subjects.register_retention("appeals", retention)
