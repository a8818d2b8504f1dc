"""What every hostile-input test asks of a produced spreadsheet (issue 13, point 3)."""

from __future__ import annotations

import io

import openpyxl

FORMULA = '=HYPERLINK("http://x","y")'
SUM = "@SUM(A1)"
PLUS = "=1+1"


def cells_containing(content: bytes, payload: str) -> list:
    """Every cell of every sheet whose text contains the payload (at least one expected)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    found = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and payload[1:] in cell.value
    ]
    assert found, f"{payload!r} is not in the export"
    return found


def assert_inert(content: bytes, payload: str) -> None:
    """The hostile text is in the file, as a text cell that no spreadsheet evaluates."""
    for cell in cells_containing(content, payload):
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert not cell.value.startswith(("=", "+", "-", "@")), (cell.coordinate, cell.value)
