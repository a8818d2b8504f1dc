"""XLSX downloads: one helper, so every export names its file and streams the same way."""

from __future__ import annotations

import io
from collections.abc import Iterable

import openpyxl
from django.http import HttpResponse
from django.utils.functional import Promise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str, sheet_title: str, header: list, rows: Iterable[list]
) -> HttpResponse:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title)[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        # Lazy translations (choice labels) are written as the text they stand for.
        sheet.append([str(value) if isinstance(value, Promise) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
