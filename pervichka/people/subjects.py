"""Subject requests and the retention of import files (issue 13).

A subject request gathers what every app holds about one person through the registry in
`core.subjects` (each app registers its export, what it still keeps the data for, and its
anonymiser in `AppConfig.ready()`), so this module knows no app above the people floor.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.core.exporting import XlsxSheet
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.people import selectors
from pervichka.people.enums import AccessAction, ImportStatus, MembershipStatus
from pervichka.people.models import Consent, MemberImport, Membership, Person
from pervichka.people.services import access_log_record, iin_lookups_charge

# --- what the people floor itself holds about a person --------------------------------


def _people_export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    person = Person.objects.select_related("unit", "settlement").get(pk=person_id)
    sections = [
        subjects.Section(
            _("Person"),
            [_("Field"), _("Value")],
            [
                [str(Person._meta.get_field(name).verbose_name), cell(getattr(person, name))]
                for name in (
                    "iin",
                    "surname",
                    "name",
                    "patronymic",
                    "birth_date",
                    "sex",
                    "phone",
                    "email",
                    "settlement",
                    "address",
                    "unit",
                    "consent_at",
                    "consent_method",
                    "created_at",
                )
            ],
        ),
        subjects.Section(
            _("Memberships"),
            links=[
                (str(m.primary), reverse("people:edit", args=[m.pk]))
                for m in Membership.objects.filter(person_id=person_id)
                .exclude(status=MembershipStatus.ARCHIVED)
                .select_related("primary")
            ],
            header=[_("Primary organization"), _("Joined"), _("Left"), _("Status"), _("Card")],
            rows=[
                [cell(m.primary), cell(m.joined), cell(m.left), m.status, cell(m.card_number)]
                for m in Membership.objects.filter(person_id=person_id).select_related("primary")
            ],
        ),
        subjects.Section(
            _("Consents"),
            [_("Purpose"), _("How given"), _("Given"), _("Withdrawn"), _("Reason")],
            [
                [
                    c.get_purpose_display(),
                    c.get_channel_display(),
                    cell(c.given_at),
                    cell(c.withdrawn_at),
                    c.withdrawal_reason,
                ]
                for c in Consent.objects.filter(person_id=person_id).order_by("given_at")
            ],
        ),
    ]
    return sections


def _people_keeps(person_id: int) -> list[str]:
    if (
        Membership.objects.filter(person_id=person_id)
        .exclude(status=MembershipStatus.ARCHIVED)
        .exists()
    ):
        return [_("a current party membership")]
    return []


# The fields an anonymised person keeps empty (or a placeholder where one is required).
_PERSON_WIPE = {
    "iin": None,
    "surname": subjects.ANONYMOUS,
    "name": subjects.ANONYMOUS,
    "patronymic": "",
    "birth_date": None,
    "sex": "",
    "phone": "",
    "email": "",
    "address": "",
    "search_name": "",
}


def _people_anonymise(person_id: int) -> int:
    """The person's record and every earlier version of it lose what identifies them; the
    record itself stays, so appeals, payments and memberships still point at it."""
    changed = Person.objects.filter(pk=person_id).update(**_PERSON_WIPE)
    history = {k: v for k, v in _PERSON_WIPE.items() if k != "search_name"}
    changed += Person.history.filter(id=person_id).update(**history)
    Membership.objects.filter(person_id=person_id).update(card_number=None)
    Membership.history.filter(person_id=person_id).update(card_number=None)
    return changed


def register() -> None:
    subjects.register(
        "people", export=_people_export, keeps=_people_keeps, anonymise=_people_anonymise
    )
    subjects.register_retention("people.import_files", import_files_expire)


# --- subject requests -----------------------------------------------------------------


def _require_subjects(actor, person: Person) -> None:
    if not has_perm_at(actor, Perm.PRIVACY_SUBJECTS, person.unit.path):
        raise Http404


def subject_lookup(*, actor, iin: str) -> Person | None:
    """The person with this IIN for a subject request, if the actor may answer one where
    the person is kept; a person kept elsewhere is answered exactly like nobody.
    Rate-limited per user (the IIN lookup allowance) and written to the access log."""
    iin_lookups_charge(actor)
    person = selectors.subject_find(actor, iin)
    if person is not None:
        access_log_record(
            actor=actor, action=AccessAction.LOOKUP, person=person, what="subject request"
        )
    return person


def subject_sections(*, actor, person: Person) -> list[tuple[str, subjects.Section]]:
    """Everything every app holds about the person, as (app label, section) pairs. The
    download is written to the access log."""
    _require_subjects(actor, person)
    found = [
        (app.app_label, section) for app in subjects.apps() for section in app.export(person.pk)
    ]
    access_log_record(
        actor=actor,
        action=AccessAction.SUBJECT_EXPORT,
        person=person,
        rows=sum(len(s.rows) for _label, s in found),
        what="subject request",
    )
    return found


def subject_xlsx(sections: list[tuple[str, subjects.Section]]) -> bytes:
    """One sheet per section, through the formula-safe export helper."""
    book = None
    for app_label, section in sections:
        title = f"{app_label}-{section.title}"
        if book is None:
            book = XlsxSheet(title, section.header)
        else:
            book.new_sheet(title, section.header)
        for row in section.rows:
            book.append(row)
    if book is None:
        book = XlsxSheet("-", [])
    return book.to_bytes()


def subject_json(person: Person, sections: list[tuple[str, subjects.Section]]) -> bytes:
    data = {
        "person_id": person.pk,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "sections": [
            {
                "app": app_label,
                "title": str(section.title),
                "header": [str(h) for h in section.header],
                "rows": [[subjects.cell(v) for v in row] for row in section.rows],
            }
            for app_label, section in sections
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def subject_purposes(person_id: int) -> list[str]:
    """What still needs the person's data, in every app: anonymising waits for none."""
    return [reason for app in subjects.apps() if app.keeps for reason in app.keeps(person_id)]


@transaction.atomic
def subject_anonymise(*, actor, person: Person) -> int:
    """Anonymise the person everywhere: names, IIN, phone, address replaced, in every app
    and in the history; appeals keep their numbers and the ledgers their sums. Refused
    while a purpose remains (`subject_purposes`). Returns how many rows changed."""
    person = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    _require_subjects(actor, person)
    if not has_perm_at(actor, Perm.PEOPLE_MANAGE, person.unit.path):
        raise Http404
    remaining = subject_purposes(person.pk)
    if remaining:
        raise ValidationError(
            _("The data are still needed for: %(purposes)s.") % {"purposes": "; ".join(remaining)}
        )
    changed = person_anonymise_everywhere(person.pk)
    access_log_record(
        actor=actor,
        action=AccessAction.ANONYMISE,
        person_id=person.pk,
        unit_id=person.unit_id,
        rows=changed,
        what="subject request",
    )
    return changed


def person_anonymise_everywhere(person_id: int) -> int:
    """Every registered app's anonymiser, people last (their rows may read the name)."""
    changed = 0
    for app in reversed(subjects.apps()):
        if app.anonymise:
            changed += app.anonymise(person_id)
    return changed


def person_anonymise_if_unused(person_id: int) -> bool:
    """For retention: anonymise a person whose every purpose has expired; True if done."""
    if subject_purposes(person_id):
        return False
    if not Person.objects.filter(pk=person_id).exclude(surname=subjects.ANONYMOUS).exists():
        return False
    person_anonymise_everywhere(person_id)
    return True


# --- retention of import files ---------------------------------------------------------


def import_files_expire(today: dt.date) -> int:
    """Member import uploads leave the disk once decided, and after a day in any case
    (an undecided check is cancelled then). Returns how many files were removed."""
    limit = timezone.now() - dt.timedelta(hours=settings.PERVICHKA_RETENTION_IMPORT_HOURS)
    removed = 0
    jobs = MemberImport.objects.exclude(file="").filter(
        status__in=[ImportStatus.IMPORTED, ImportStatus.CANCELLED, ImportStatus.FAILED]
    ) | MemberImport.objects.exclude(file="").filter(created_at__lt=limit)
    for job in jobs.distinct():
        if job.status == ImportStatus.CHECKED:
            job.status = ImportStatus.CANCELLED
            job.finished_at = timezone.now()
        # The checked rows kept beside the upload (people.importing); a storage without
        # local paths has none.
        with contextlib.suppress(NotImplementedError, ValueError):
            Path(job.file.path).with_suffix(".checked.jsonl").unlink(missing_ok=True)
        job.file.delete(save=False)
        job.file = ""
        job.save()
        removed += 1
    return removed
