"""XLSX export of the member registry, written as a stream (openpyxl write-only mode)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pervichka.core.exporting import XlsxSheet
from pervichka.core.iin import mask_iin
from pervichka.core.phones import format_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import pii_checker
from pervichka.people.models import Membership


def members_xlsx(user, queryset: QuerySet[Membership]) -> bytes:
    """One row per membership, in the list's order; personal data as the user may see it."""
    may_see = pii_checker(user, Perm.PEOPLE_PII)

    sheet = XlsxSheet(
        _("Members"),
        [
            _("IIN"),
            _("Surname"),
            _("Name"),
            _("Patronymic"),
            _("Date of birth"),
            _("Phone"),
            _("Settlement"),
            _("Address"),
            _("Primary organization"),
            _("Joined"),
            _("Left"),
            _("Status"),
            _("Party card number"),
        ],
    )
    for m in queryset.select_related("person__unit").iterator(chunk_size=2000):
        person = m.person
        pii = may_see(person.unit.path)
        sheet.append(
            [
                person.iin if pii else mask_iin(person.iin),
                person.surname,
                person.name,
                person.patronymic,
                person.birth_date if pii else None,
                format_phone(person.phone) if pii else "",
                str(person.settlement) if person.settlement else "",
                person.address if pii else "",
                str(m.primary),
                m.joined,
                m.left,
                m.get_status_display(),
                m.card_number or "",
            ]
        )
    return sheet.to_bytes()
