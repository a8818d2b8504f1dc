"""Every XLSX and CSV the project writes goes through this module.

Text typed by anyone (a citizen's appeal, a public idea's title, a surname from an import)
can begin with `=`, `+`, `-` or `@`; a spreadsheet opening the file would take it for a
formula (`=HYPERLINK(...)`, `=cmd|...`) and run it on the operator's machine. So every
string is written as a text cell (never a formula) and a leading formula character, tab or
carriage return is neutralised with an apostrophe, the OWASP recipe, which survives a
round trip through CSV where no cell types exist. Numbers written as text that cannot
call anything (a phone `+7 701 234 56 78`, an amount `-500.00`) are left as they are.
"""

from __future__ import annotations

import contextvars
import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import openpyxl
from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# Numbers in every sheet: thousands grouped, sums with two places (core.numbers).
NUMBER_FORMAT = "#,##0"
AMOUNT_FORMAT = "#,##0.00"

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Signs, digits, spaces, brackets and separators only: nothing a spreadsheet can call.
_HARMLESS_NUMBER = re.compile(r"[+-]?[0-9 ().,/-]*")


def safe_text(value: str) -> str:
    """The string as it may be written into a spreadsheet cell without being evaluated."""
    if value.startswith(FORMULA_TRIGGERS) and not _HARMLESS_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_value(value: Any) -> Any:
    """Strings (and lazy translations) made safe; numbers, dates and None untouched."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return safe_text(value)
    return value


def _number_format(value: Any) -> str:
    """Counts (int) and sums (Decimal with two places) are grouped; fractions such as a
    score or a coordinate keep Excel's General format, which shows all their digits."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return NUMBER_FORMAT
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -2:
        return AMOUNT_FORMAT
    return ""


# Rows of the last file written in this request (header aside): the access log records how
# many rows an export of personal data held (people.access.records_export).
_rows_written: contextvars.ContextVar[int] = contextvars.ContextVar("rows_written", default=0)


def rows_written() -> int:
    return _rows_written.get()


def rows_written_reset() -> None:
    _rows_written.set(0)


class XlsxSheet:
    """A sheet of a write-only workbook whose every string cell is text. Pass the `workbook`
    of an earlier sheet to add another sheet to the same file."""

    def __init__(self, sheet_title: str, header: Iterable[Any], *, workbook: Any = None) -> None:
        self.workbook = workbook or openpyxl.Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(safe_text(str(sheet_title))[:31])
        self.rows = -1
        self.append(header)

    def append(self, row: Iterable[Any]) -> None:
        self.sheet.append([self._cell(value) for value in row])
        self.rows += 1
        _rows_written.set(self.rows)

    def new_sheet(self, sheet_title: str, header: Iterable[Any]) -> None:
        """Start another sheet of the same workbook; `append` writes to it from now on."""
        self.sheet = self.workbook.create_sheet(safe_text(str(sheet_title))[:31])
        self.append(header)

    def _cell(self, value: Any) -> Any:
        value = safe_value(value)
        number_format = _number_format(value)
        if number_format:
            # A count or a sum stays a number, shown with its thousands grouped as on the
            # pages (core.numbers); Excel writes the groups in the reader's own locale.
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = number_format
            return cell
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(self.sheet, value)
        # openpyxl marks any string starting with "=" as a formula; a text cell it is.
        cell.data_type = "s"
        return cell

    def set_widths(self, widths: dict[str, int]) -> None:
        for column, width in widths.items():
            self.sheet.column_dimensions[column].width = width

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def xlsx_bytes(sheet_title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    sheet = XlsxSheet(sheet_title, header)
    for row in rows:
        sheet.append(row)
    return sheet.to_bytes()


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter=";") -> bytes:
    """UTF-8 with a BOM and semicolons: what Excel in Kazakhstan opens without a wizard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([safe_value(v) for v in header])
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else safe_value(v) for v in row])
        count += 1
    _rows_written.set(count)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, sheet_title: str, header: list, rows: Iterable[list]
) -> HttpResponse:
    return download(xlsx_bytes(sheet_title, header, rows), filename)
