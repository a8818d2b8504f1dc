"""Import of a bank statement (CSV or XLSX): date, amount, reference, IIN per line.

Each line becomes a bank-transfer payment of the member with that IIN, for the oldest
months they owe whose dues add up to the amount. A line whose reference was recorded before
is reported as a duplicate, so importing the same statement twice records nothing twice;
a line that cannot be matched is reported with the reason and recorded nowhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.money import money
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.dues.enums import PaymentMethod, StatementLineResult
from pervichka.dues.models import Payment, StatementImport
from pervichka.dues.services import (
    PaymentInput,
    Rates,
    add_month,
    month_start,
    payment_record,
    unpaid_months,
)
from pervichka.people.enums import MembershipStatus
from pervichka.people.models import Membership

HEADERS = {
    "date": {"date", "дата", "күні"},
    "amount": {"amount", "сумма", "сомасы"},
    "reference": {"reference", "референс", "номер документа", "назначение", "ref"},
    "iin": {"iin", "иин", "жсн"},
}


def _key(text) -> str | None:
    label = str(text or "").strip().lower()
    for key, names in HEADERS.items():
        if label in names:
            return key
    return None


def _rows(name: str, content: bytes) -> list[dict]:
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        try:
            sheet = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            ).worksheets[0]
        except Exception as exc:  # a damaged file can fail in many ways
            raise ValidationError({"file": _("The file is not a readable XLSX workbook.")}) from exc
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
    elif suffix == ".csv":
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError({"file": _("The CSV file is neither UTF-8 nor Windows-1251.")})
        delimiter = ";" if text.count(";") > text.count(",") else ","
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise ValidationError({"file": _("Upload an XLSX or CSV file.")})
    if not table:
        raise ValidationError({"file": _("The file is empty.")})
    keys = [_key(cell) for cell in table[0]]
    if not {"date", "amount", "reference", "iin"} <= set(keys):
        raise ValidationError(
            {"file": _("The first row must name the columns: date, amount, reference, IIN.")}
        )
    rows = []
    for number, row in enumerate(table[1:], start=2):
        values = {k: v for k, v in zip(keys, row, strict=False) if k}
        if any(str(v or "").strip() for v in values.values()):
            rows.append({"row": number, **values})
    return rows


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _amount(value) -> Decimal:
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return money(Decimal(text))


def _months_for(membership, rates: Rates, amount: Decimal, paid_on: dt.date):
    """The oldest owed months (then months ahead) whose dues add up to exactly `amount`."""
    owed = unpaid_months(membership, rates, until=paid_on)
    month = add_month(month_start(paid_on))
    while len(owed) < 36:
        if rates.amount_due(membership.dues_category, month) is not None:
            owed.append(month)
        month = add_month(month)
    chosen, total = [], Decimal(0)
    for month in owed:
        if total >= amount:
            break
        chosen.append(month)
        total += rates.amount_due(membership.dues_category, month)
    return chosen if total == amount else None


def statement_import(*, actor, district, name: str, content: bytes) -> StatementImport:
    """Record every line of a statement that matches a member; report every other line."""
    if not has_perm_at(actor, Perm.DUES_RECORD, district.path):
        raise Http404
    rows = _rows(name, content)
    rates = Rates(district)
    report = StatementImport(
        district=district,
        file_sha256=hashlib.sha256(content).hexdigest(),
        original_name=Path(name).name[:255],
        imported_by=actor,
    )
    lines = []
    for row in rows:
        line = {
            "row": row["row"],
            "reference": str(row.get("reference") or "").strip(),
            "iin": str(row.get("iin") or "").strip().zfill(12)
            if str(row.get("iin") or "").strip().isdigit()
            else str(row.get("iin") or ""),
        }
        try:
            paid_on = _date(row.get("date"))
            amount = _amount(row.get("amount"))
        except (ValueError, InvalidOperation):
            lines.append(
                {
                    **line,
                    "result": StatementLineResult.UNMATCHED,
                    "reason": _("The date or the amount cannot be read."),
                }
            )
            continue
        line.update(date=paid_on.isoformat(), amount=str(amount))
        if not line["reference"]:
            lines.append(
                {
                    **line,
                    "result": StatementLineResult.UNMATCHED,
                    "reason": _("The line has no bank reference."),
                }
            )
            continue
        if Payment.objects.filter(bank_reference=line["reference"]).exists():
            lines.append(
                {**line, "result": StatementLineResult.DUPLICATE, "reason": _("Recorded before.")}
            )
            continue
        membership = (
            Membership.objects.filter(
                person__iin=line["iin"], primary__path__startswith=district.path
            )
            .exclude(status=MembershipStatus.ARCHIVED)
            .select_related("person", "primary")
            .first()
        )
        if membership is None:
            lines.append(
                {
                    **line,
                    "result": StatementLineResult.UNMATCHED,
                    "reason": _("No current member of the district has this IIN."),
                }
            )
            continue
        months = _months_for(membership, rates, amount, paid_on)
        if not months:
            lines.append(
                {
                    **line,
                    "result": StatementLineResult.UNMATCHED,
                    "member": membership.person.full_name,
                    "reason": _("The amount is not a whole number of monthly dues."),
                }
            )
            continue
        try:
            payment = payment_record(
                actor=actor,
                membership=membership,
                data=PaymentInput(
                    months=months,
                    method=PaymentMethod.BANK,
                    paid_on=paid_on,
                    bank_reference=line["reference"],
                ),
            )
        except ValidationError as exc:
            lines.append(
                {
                    **line,
                    "result": StatementLineResult.UNMATCHED,
                    "member": membership.person.full_name,
                    "reason": " ".join(exc.messages),
                }
            )
            continue
        lines.append(
            {
                **line,
                "result": StatementLineResult.MATCHED,
                "member": membership.person.full_name,
                "payment": payment.pk,
                "months": [m.strftime("%m.%Y") for m in months],
            }
        )
    report.lines = lines
    report.matched = sum(1 for x in lines if x["result"] == StatementLineResult.MATCHED)
    report.duplicates = sum(1 for x in lines if x["result"] == StatementLineResult.DUPLICATE)
    report.unmatched = sum(1 for x in lines if x["result"] == StatementLineResult.UNMATCHED)
    report.save()
    return report


def earlier_import_of(district, content: bytes) -> StatementImport | None:
    return (
        StatementImport.objects.filter(
            district=district, file_sha256=hashlib.sha256(content).hexdigest()
        )
        .order_by("imported_at")
        .first()
    )


__all__ = ["earlier_import_of", "statement_import", "timezone"]
