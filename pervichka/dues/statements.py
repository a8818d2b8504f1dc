"""Import of a bank statement (CSV or XLSX): date, amount, reference, IIN per line.

Each line becomes a bank-transfer payment of the member with that IIN, for the oldest
months they owe whose dues add up to the amount. A line whose reference was recorded before
is reported as a duplicate, so importing the same statement twice records nothing twice;
a line that cannot be matched is reported with the reason and recorded nowhere.

All or report: the whole file is one transaction that ends by saving the report, and each
line is booked in its own savepoint, so a line is either booked and listed as booked, or
refused with its reason; no failure can leave payments booked without the report that
lists them. Since bank references are unique, the same file can always be imported again
to finish it: what was booked is reported as a duplicate, the rest is tried again.
Nothing is rounded: an amount more precise than a tiyn is refused (core.money).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.money import parse_amount
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import check_size, check_xlsx
from pervichka.dues.enums import PaymentMethod, StatementLineResult
from pervichka.dues.models import PaidMonth, Payment, StatementImport
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

logger = logging.getLogger(__name__)

# Columns read from a sheet that may declare 16,384 of them.
_MAX_COLUMNS = 40

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
    limit = settings.PERVICHKA_STATEMENT_MAX_ROWS
    too_long = ValidationError(
        {"file": _("The statement has more than %(n)d lines; split it.") % {"n": limit}}
    )
    if suffix == ".xlsx":
        try:
            check_xlsx(io.BytesIO(content))
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            table = []
            for row in sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS):
                if len(table) > limit:
                    raise too_long
                table.append(list(row))
        except ValidationError:
            raise
        except Exception as exc:  # a damaged file can fail in many ways
            raise ValidationError({"file": _("The file is not a readable XLSX workbook.")}) from exc
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
        table = []
        try:
            for row in csv.reader(io.StringIO(text), delimiter=delimiter):
                if len(table) > limit:
                    raise too_long
                table.append(row)
        except csv.Error as exc:
            raise ValidationError({"file": _("The CSV file cannot be read.")}) from exc
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
    """The line's date, within the party's years and not in the future."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(str(value).strip(), fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValidationError(_("The date cannot be read."))
    founded = dt.date.fromisoformat(settings.PERVICHKA_PARTY_FOUNDED)
    if not founded <= day <= timezone.localdate():
        raise ValidationError(
            _("The date %(date)s is outside %(first)s to today.")
            % {"date": day.strftime("%d.%m.%Y"), "first": founded.strftime("%d.%m.%Y")}
        )
    return day


# How far ahead a transfer may pay: a member may pay up to three years in advance.
_MONTHS_AHEAD = 36


def _months_for(membership, rates: Rates, amount: Decimal, paid_on: dt.date):
    """The oldest owed months (then months ahead) whose dues add up to exactly `amount`;
    a reason when there are none."""
    owed = unpaid_months(membership, rates, until=paid_on)
    paid = set(
        PaidMonth.objects.filter(membership=membership, is_reversed=False).values_list(
            "month", flat=True
        )
    )
    month = add_month(month_start(paid_on))
    # Counted in months looked at, not months found: an exempt member owes none, ever.
    for _step in range(_MONTHS_AHEAD):
        if month not in paid and rates.amount_due(membership.dues_category, month) is not None:
            owed.append(month)
        month = add_month(month)
    if not owed:
        return None, _("The member owes no dues (an exempt category), so nothing can be booked.")
    chosen, total = [], Decimal(0)
    for month in owed:
        if total >= amount:
            break
        chosen.append(month)
        total += rates.amount_due(membership.dues_category, month)
    if total != amount:
        return None, _("The amount is not a whole number of monthly dues.")
    return chosen, ""


def _refused(line: dict, reason, **extra) -> dict:
    return {**line, **extra, "result": StatementLineResult.UNMATCHED, "reason": str(reason)}


def statement_import(*, actor, district, name: str, content: bytes) -> StatementImport:
    """Book every line of a statement that matches a member and save the report that
    lists each line, booked or refused with its reason, in one transaction."""
    if not has_perm_at(actor, Perm.DUES_RECORD, district.path):
        raise Http404
    try:
        check_size(content, settings.PERVICHKA_STATEMENT_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    rows = _rows(name, content)
    with transaction.atomic():
        return _import(actor, district, name, content, rows)


def _import(actor, district, name: str, content: bytes, rows: list[dict]) -> StatementImport:
    rates = Rates(district)
    report = StatementImport(
        district=district,
        file_sha256=hashlib.sha256(content).hexdigest(),
        original_name=Path(name).name[:255],
        imported_by=actor,
    )
    lines = []
    seen: set[str] = set()
    for row in rows:
        raw_iin = str(row.get("iin") or "").strip()
        line = {
            "row": row["row"],
            "reference": str(row.get("reference") or "").strip()[:100],
            "iin": raw_iin.zfill(12) if raw_iin.isdigit() else raw_iin[:20],
        }
        try:
            paid_on = _date(row.get("date"))
            amount = parse_amount(row.get("amount"))
        except ValidationError as exc:
            lines.append(_refused(line, " ".join(exc.messages)))
            continue
        line.update(date=paid_on.isoformat(), amount=str(amount))
        if not line["reference"]:
            lines.append(_refused(line, _("The line has no bank reference.")))
            continue
        if line["reference"] in seen:
            lines.append(_refused(line, _("This bank reference appears twice in the file.")))
            continue
        seen.add(line["reference"])
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
            lines.append(_refused(line, _("No current member of the district has this IIN.")))
            continue
        member = membership.person.full_name
        months, reason = _months_for(membership, rates, amount, paid_on)
        if not months:
            lines.append(_refused(line, reason, member=member))
            continue
        try:
            # A savepoint per line: a refused line takes back only what it wrote.
            with transaction.atomic():
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
            lines.append(_refused(line, " ".join(exc.messages), member=member))
            continue
        except (IntegrityError, ArithmeticError, ValueError, OverflowError):
            # A line the checks above did not foresee must not stop the statement: it is
            # refused with a generic reason and logged for the developers.
            logger.exception("statement line %s could not be booked", line["row"])
            lines.append(
                _refused(line, _("This line could not be booked; check it by hand."), member=member)
            )
            continue
        lines.append(
            {
                **line,
                "result": StatementLineResult.MATCHED,
                "member": member,
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
