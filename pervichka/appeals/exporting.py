"""XLSX export of the appeals list, as a stream."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.appeals.models import Appeal
from pervichka.core.exporting import XlsxSheet
from pervichka.core.roles import Perm
from pervichka.core.scoping import pii_checker


def appeals_xlsx(user, queryset: QuerySet[Appeal]) -> bytes:
    may_read = pii_checker(user, Perm.APPEALS_PII)

    def pii(appeal: Appeal) -> bool:
        return may_read(appeal.unit.path)

    sheet = XlsxSheet(
        _("Appeals"),
        [
            _("Registration number"),
            _("Received"),
            _("Channel"),
            _("Category"),
            _("Settlement"),
            _("Citizen"),
            _("Text of the appeal"),
            _("Status"),
            _("Answer due"),
            _("Responsible organization"),
            _("Answered"),
            _("Outcome"),
            _("Satisfaction"),
            _("Repeat of"),
        ],
    )
    for appeal in queryset.select_related("repeat_of").iterator(chunk_size=2000):
        shown = pii(appeal)
        sheet.append(
            [
                appeal.number,
                timezone.localtime(appeal.received_at).replace(tzinfo=None),
                appeal.get_channel_display(),
                str(appeal.category),
                str(appeal.settlement) if appeal.settlement else "",
                appeal.person.full_name if shown else "",
                appeal.text if shown else "",
                appeal.get_status_display(),
                appeal.due_date,
                str(appeal.unit),
                timezone.localtime(appeal.answered_at).replace(tzinfo=None)
                if appeal.answered_at
                else None,
                appeal.get_outcome_display(),
                appeal.get_satisfaction_display(),
                appeal.repeat_of.number if appeal.repeat_of else "",
            ]
        )
    return sheet.to_bytes()
