"""The one export helper: user text is a text cell, a leading formula character neutralised."""

import csv
import io
import re
from pathlib import Path

import pytest

from pervichka.core.exporting import csv_bytes, safe_text, xlsx_bytes
from tests.hostile import FORMULA, PLUS, SUM, assert_inert

pytestmark = pytest.mark.hostile

HOSTILE = [FORMULA, PLUS, SUM, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_text_neutralises_a_leading_formula_character(value):
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", ["+7 701 234 56 78", "-500.00", "Ахметова", "", "a=b"])
def test_safe_text_leaves_numbers_and_ordinary_text_alone(value):
    assert safe_text(value) == value


@pytest.mark.parametrize("value", [FORMULA, PLUS, SUM])
def test_xlsx_writes_hostile_text_as_an_inert_text_cell(value):
    content = xlsx_bytes("=Sheet", ["Name", "=Header"], [[value, 5], ["ok", value]])
    assert_inert(content, value)


def test_csv_neutralises_every_hostile_value():
    content = csv_bytes(["=Header"], [[v] for v in HOSTILE])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows] == ["'=Header"] + ["'" + v for v in HOSTILE]


def test_no_module_writes_a_spreadsheet_around_the_helper():
    """Every XLSX and CSV the project writes goes through core/exporting.py."""
    root = Path(__file__).resolve().parents[2] / "pervichka"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "exporting.py" and path.parent.name == "core":
            continue
        if "devdata" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"openpyxl\.Workbook\(|csv\.writer\(|csv\.DictWriter\(", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
