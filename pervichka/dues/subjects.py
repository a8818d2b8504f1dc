"""What the dues ledger holds about a person (core.subjects): their payments. Anonymising
changes nothing here: a payment keeps its sum and receipt, and points at the membership of
a person whose name the people floor has replaced."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.dues.models import Payment


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    payments = (
        Payment.objects.filter(membership__person_id=person_id)
        .select_related("primary")
        .prefetch_related("months")
        .order_by("paid_on", "pk")
    )
    rows = [
        [
            cell(p.paid_on),
            cell(p.amount),
            p.get_method_display(),
            p.receipt_number,
            ", ".join(m.month.strftime("%Y-%m") for m in p.months.all()),
            cell(p.primary),
            p.is_reversed,
        ]
        for p in payments
    ]
    header = [
        _("paid on"),
        _("amount, ₸"),
        _("method"),
        _("receipt number"),
        _("months"),
        _("primary organization"),
        _("reversed"),
    ]
    return [subjects.Section(_("Dues payments"), header, rows)]


def register() -> None:
    subjects.register("dues", export=export)
