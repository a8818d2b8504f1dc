"""Import of member lists from the XLSX and CSV files branches keep today.

Files come from many hands: a title merged across the columns, the headers on the third
row, one "Ф.И.О." column, IINs stored as numbers, dates in five forms, notes such as
"выбыл". So the import goes in three steps, and nothing is written before the last:

1. `member_import_upload` stores the file, finds the header row among the first rows and
   proposes what each column holds (by its usual names in Russian and Kazakh);
2. `member_import_map` takes the mapping as the chair corrected it, reads every row,
   cleans what can be cleaned (IINs, phones, dates, names in capitals), refuses what
   cannot be imported (each message names the column and the value) and lists what looks
   wrong as warnings for the chair to decide, row by row or for all;
3. `member_import_confirm` writes the rows that are still valid, as decided, in one
   transaction; `member_import_cancel` writes none.

`member_import_check` runs steps 1 and 2 with the proposed mapping (scripts, the bench).
Rows are read as a stream and written in chunks, so memory does not grow with the file;
each chunk asks the database once about the IINs and card numbers it holds.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from pervichka.core.bulk import insert_select_with_history, insert_tuples_with_history
from pervichka.core.dates import MEMBERSHIP, date_bounds, date_refusal
from pervichka.core.exporting import XlsxSheet
from pervichka.core.iin import generate_iin, parse_iin
from pervichka.core.lookups import text_array_sql
from pervichka.core.phones import KZ_MOBILE_CODES, normalize_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import check_xlsx
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.enums import (
    ConsentMethod,
    DuesCategory,
    ImportStatus,
    LeaveReason,
    MembershipStatus,
)
from pervichka.people.models import MemberImport, Membership, Person
from pervichka.people.selectors import person_linkable
from pervichka.people.services import (
    consents_record_imported,
    consents_record_imported_staged,
    iin_lookups_charge,
    kept_elsewhere_message,
)

CHUNK = 1000
# Warnings kept per kind for the chair to decide row by row (the rest are counted and follow
# the choice for all), so that a file of 100,000 rows keeps a report of bounded size.
WARNINGS_KEPT = 500
# The header row is looked for among this many rows at the top of the sheet.
HEADER_SEARCH_ROWS = 15

# Party membership starts at 18: the Law of the Republic of Kazakhstan of 15 July 2002
# No. 344-II "On political parties" admits citizens of the Republic who have reached the
# age of eighteen as members (issue 14). One constant, so the citation is fixed in one place.
MEMBERSHIP_AGE = 18
MEMBERSHIP_LAW = gettext_lazy(
    'the Law of the Republic of Kazakhstan of 15 July 2002 No. 344-II "On political parties"'
)


def _norm(text: object) -> str:
    """A header or a word as compared: lower case, ё as е, letters and digits only."""
    value = str(text or "").lower().replace("ё", "е")
    return re.sub(r"[^\w№]+", "", value).replace("_", "")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # what the template writes (the user's language)
    aliases: tuple[str, ...]  # other spellings, compared by `_norm`
    help: object = ""


# What a column of the file can hold. "number" (a row number) is recognised so that it is
# reported as not needed rather than unknown; "full_name" is split into three.
COLUMNS: list[Column] = [
    Column(
        "number",
        gettext_lazy("No."),
        ("№", "№пп", "пп", "no", "nn", "рс", "№рс", "#"),
        gettext_lazy("Row numbers: not imported."),
    ),
    Column(
        "iin",
        gettext_lazy("IIN"),
        ("iin", "иин", "жсн", "иинчлена", "иин№"),
        gettext_lazy("12 digits. Spaces, dashes and numbers stored as numbers are cleaned."),
    ),
    Column(
        "full_name",
        gettext_lazy("Full name"),
        (
            "фио",
            "фамилияимяотчество",
            "фамилияиимя",
            "таә",
            "таа",
            "атыжөні",
            "атыжони",
            "тегіатыәкесініңаты",
            "тегіаты",
            "fullname",
            "фиочлена",
            "фиочленапартии",
        ),
        gettext_lazy("Surname, name and patronymic in one column, separated by spaces."),
    ),
    Column(
        "surname",
        gettext_lazy("Surname"),
        ("surname", "фамилия", "тегі", "теги", "lastname"),
        gettext_lazy("Required unless a full name column is given."),
    ),
    Column(
        "name",
        gettext_lazy("Name"),
        ("name", "имя", "аты", "firstname"),
        gettext_lazy("Required unless a full name column is given."),
    ),
    Column(
        "patronymic",
        gettext_lazy("Patronymic"),
        ("patronymic", "отчество", "әкесініңаты", "экесининаты"),
    ),
    Column(
        "birth_date",
        gettext_lazy("Date of birth"),
        (
            "датарождения",
            "туғанкүні",
            "туганкуни",
            "birthdate",
            "dateofbirth",
            "датарожд",
            "туғанжылы",
            "годрождения",
        ),
        gettext_lazy("Only checked against the IIN: the date of birth is taken from the IIN."),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        (
            "phone",
            "телефон",
            "тел",
            "сотовый",
            "мобильный",
            "моб",
            "ұялытелефон",
            "контактныйтелефон",
            "номертелефона",
            "телефонномері",
            "байланыстелефоны",
        ),
        gettext_lazy("Any Kazakhstan format: 8 701 234 56 78, +7 (701) 234-56-78."),
    ),
    Column(
        "settlement",
        gettext_lazy("Settlement (name or KATO)"),
        (
            "settlement",
            "населенныйпункт",
            "населпункт",
            "нп",
            "село",
            "аул",
            "ауыл",
            "елдімекен",
            "kato",
            "като",
        ),
        gettext_lazy("A village of the district, by name in Russian or Kazakh, or KATO."),
    ),
    Column(
        "address",
        gettext_lazy("Address"),
        (
            "address",
            "адрес",
            "мекенжай",
            "мекенжайы",
            "местожительства",
            "адреспроживания",
            "тұрғылықтымекенжайы",
        ),
        gettext_lazy("The settlement is also looked for in the address."),
    ),
    Column(
        "primary",
        gettext_lazy("Primary organization"),
        (
            "primary",
            "primaryorganization",
            "первичнаяорганизация",
            "первичка",
            "ппо",
            "бастауышұйым",
        ),
        gettext_lazy("Leave empty to import into the organization chosen on upload."),
    ),
    Column(
        "joined",
        gettext_lazy("Joined (dd.mm.yyyy)"),
        (
            "joined",
            "датавступления",
            "датаприема",
            "вступил",
            "кіргенкүні",
            "датавступлениявпартию",
            "датаприемавпартию",
            "партиягакіргенкүні",
            "партияғакіргенкүні",
            "қабылданғанкүні",
        ),
        gettext_lazy("dd.mm.yyyy, dd/mm/yy, d.m.yy or yyyy-mm-dd, day first; empty: today."),
    ),
    Column(
        "card_number",
        gettext_lazy("Party card number"),
        (
            "card",
            "cardnumber",
            "partycardnumber",
            "номербилета",
            "партийныйбилет",
            "№билета",
            "номерпартбилета",
            "партбилет",
            "билетнөмірі",
        ),
        gettext_lazy("At most 20 characters, unique."),
    ),
    Column(
        "dues_category",
        gettext_lazy("Dues category"),
        ("category", "duescategory", "категория", "категориявзносов", "жарнасанаты"),
        gettext_lazy(
            "working, pensioner, student or unemployed; empty: proposed from the age and the note."
        ),
    ),
    Column(
        "note",
        gettext_lazy("Note"),
        ("note", "notes", "примечание", "прим", "ескерту", "ескертпе", "комментарий"),
        gettext_lazy(
            '"выбыл", "умер", "исключён", "шықты": imported as left, if you '
            'agree; "пенсионер", "студент": the dues category.'
        ),
    ),
]
COLUMN_KEYS = [c.key for c in COLUMNS]
_BY_KEY = {c.key: c for c in COLUMNS}
# Keys that may be mapped once only (the row number may repeat: it is not read).
_SINGLE = set(COLUMN_KEYS) - {"number"}

# Columns read from a sheet: ours and room for a few of the branch's own.
_MAX_COLUMNS = len(COLUMNS) + 50

# Name particles of Kazakh patronymics, written in lower case.
_PARTICLES = {"қызы", "ұлы", "кызы", "улы", "оглы", "оғлы", "кзы", "уулу", "кизи"}
_TOTAL_WORDS = ("итого", "всего", "барлығы", "барлыгы", "жиыны", "жиынтығы", "total")
# What a note says about leaving, first match wins (stems, lower case).
_LEFT_NOTES: list[tuple[str, tuple[str, ...]]] = [
    (LeaveReason.DECEASED, ("умер", "скончал", "қайтыс", "покойн", "қаза")),
    (LeaveReason.EXPELLED, ("исключ", "шығарыл")),
    (LeaveReason.TRANSFERRED, ("переведен", "ауыстырыл")),
    (LeaveReason.OWN_WISH, ("собствен", "өз еркі", "өз қалау")),
    (LeaveReason.MOVED, ("переех", "выехал", "көшіп", "көшті")),
    (LeaveReason.OTHER, ("выбыл", "выбыв", "шықты", "шыққан", "вышел", "вышла", "выход")),
]
_CATEGORY_NOTES: list[tuple[str, tuple[str, ...]]] = [
    (DuesCategory.PENSIONER, ("пенсион", "зейнет")),
    (DuesCategory.STUDENT, ("студент", "учащ", "оқушы", "магистрант", "курсант")),
    (DuesCategory.UNEMPLOYED, ("безработ", "не работает", "жұмыссыз", "нетрудоустр")),
]
_SETTLEMENT_WORDS = {
    "с",
    "село",
    "а",
    "аул",
    "ауыл",
    "ауылы",
    "п",
    "пос",
    "поселок",
    "кент",
    "г",
    "город",
    "қ",
    "қала",
    "селосы",
    "ст",
    "станция",
}

# The example row of the template: a generated person (never a real one), skipped on upload.
EXAMPLE_IIN = generate_iin(dt.date(1991, 5, 14), "F", serial=4321)


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, no header, too large."""


@dataclass
class RowResult:
    row: int
    values: dict[str, object]
    errors: dict[str, list[str]] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)
    # [(kind, message)]: what looks wrong; the chair decides before anything is written.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    person: Person | None = None
    membership: Membership | None = None

    def error(self, key: str, message: str, code: str = "") -> None:
        self.errors.setdefault(key, []).append(str(message))
        if code:
            self.codes.add(code)

    def warn(self, kind: str, message: str) -> None:
        self.warnings.append((kind, str(message)))


# The warnings a chair decides on: kind → (choices, the default). "skip" leaves the row out.
WARNING_CHOICES: dict[str, tuple[tuple[tuple[str, object], ...], str]] = {
    "left": (
        (
            ("archive", gettext_lazy("import as left (archived) with the reason")),
            ("skip", gettext_lazy("do not import")),
            ("active", gettext_lazy("import as an active member")),
        ),
        "archive",
    ),
    "phone": (
        (
            ("empty", gettext_lazy("import without the phone")),
            ("skip", gettext_lazy("do not import")),
        ),
        "empty",
    ),
    "capitals": (
        (
            ("title", gettext_lazy("write the name as shown")),
            ("keep", gettext_lazy("keep the capitals")),
        ),
        "title",
    ),
    "birth_date": (
        (
            ("iin", gettext_lazy("import; the date of birth is taken from the IIN")),
            ("skip", gettext_lazy("do not import")),
        ),
        "iin",
    ),
    "category": (
        (
            ("proposed", gettext_lazy("use the proposed category")),
            ("working", gettext_lazy("working")),
        ),
        "proposed",
    ),
    "settlement": (
        (
            ("none", gettext_lazy("import without a settlement")),
            ("skip", gettext_lazy("do not import")),
        ),
        "none",
    ),
}
WARNING_TITLES = {
    "left": gettext_lazy("Noted as having left"),
    "phone": gettext_lazy("Placeholder or unreadable phones"),
    "capitals": gettext_lazy("Names typed in capitals"),
    "birth_date": gettext_lazy("Date of birth disagrees with the IIN"),
    "category": gettext_lazy("Dues category proposed"),
    "settlement": gettext_lazy("Settlement not found"),
}


# --- reading ---------------------------------------------------------------------------


def column_for_header(text: object) -> str | None:
    """The column key a header names, or None: exact spellings first, then a known name
    the header starts with ("Дата вступления в партию", "Ф.И.О. члена партии")."""
    label = _norm(str(text or "").split("(")[0]) or _norm(text)
    if not label:
        return None
    for column in COLUMNS:
        if label in column.aliases or label == column.key or label == _norm(column.label):
            return column.key
    best, best_length = None, 0
    for column in COLUMNS:
        for alias in column.aliases:
            if len(alias) >= 3 and label.startswith(alias) and len(alias) > best_length:
                best, best_length = column.key, len(alias)
    return best


def _rows_from_xlsx(path: Path) -> Iterator[list[object]]:
    try:
        check_xlsx(path)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from exc
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # A sheet may declare 16,384 columns: read no further than the columns we know.
        for row in sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS):
            yield list(row)
    finally:
        workbook.close()


def _rows_from_csv(path: Path) -> Iterator[list[object]]:
    raw = path.read_bytes()[:65536]
    # Excel in a Russian locale saves CSV in Windows-1251 with semicolons.
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            # Incrementally, not final: the sample's last character may be cut in two.
            codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is neither UTF-8 nor Windows-1251 text."))
    sample = raw.decode(encoding, errors="ignore")
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    with path.open(encoding=encoding, newline="") as handle:
        for row in csv.reader(handle, delimiter=delimiter):
            yield row[:_MAX_COLUMNS]


def _raw_rows(path: Path, name: str) -> Iterator[list[object]]:
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _rows_from_xlsx(path)
    if suffix == ".csv":
        return _rows_from_csv(path)
    raise ImportFileError(_("Upload an XLSX or CSV file."))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Layout:
    """Where the header is and what each column holds, as proposed or as corrected."""

    header_row: int  # 1-based row number in the sheet
    headers: list[str]
    mapping: list[str]  # a column key per column, "" for a column not imported
    samples: list[list[str]] = field(default_factory=list)  # first rows under the header


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if not value.time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def propose_mapping(headers: list[object]) -> list[str]:
    """A column key per header, each key used once (the first column that names it)."""
    used: set[str] = set()
    mapping = []
    for header in headers:
        key = column_for_header(header) or ""
        if key in _SINGLE and key in used:
            key = ""
        if key in _SINGLE:
            used.add(key)
        mapping.append(key)
    return mapping


def _header_score(row: list[object]) -> int:
    keys = {column_for_header(cell) for cell in row if not _blank(cell)}
    keys.discard(None)
    if not keys & {"iin", "full_name", "surname", "name"}:
        return 0
    return len(keys)


def find_layout(path: Path, name: str, *, header_row: int | None = None) -> Layout:
    """Find the header among the first rows (a merged title and empty rows are skipped: the
    row naming most known columns wins) or take `header_row`; propose the mapping."""
    top: list[list[object]] = []
    for number, row in enumerate(_raw_rows(path, name), start=1):
        top.append(row)
        if number >= HEADER_SEARCH_ROWS + 5:
            break
    if not any(any(not _blank(c) for c in row) for row in top):
        raise ImportFileError(_("The file is empty."))
    if header_row is None:
        scored = [(_header_score(row), -i) for i, row in enumerate(top[:HEADER_SEARCH_ROWS])]
        best = max(scored)
        if best[0] >= 1:
            header_row = -best[1] + 1
        else:  # nothing recognised: the first non-empty row, for the chair to map by hand
            header_row = next(i for i, row in enumerate(top, 1) if any(not _blank(c) for c in row))
    header = top[header_row - 1] if header_row <= len(top) else []
    width = max(
        [len(header)] + [len(r) for r in top[header_row : header_row + 5]],
        default=0,
    )
    # Trailing columns with neither a header nor a value in the sample are dropped.
    while (
        width
        and _blank(header[width - 1] if width - 1 < len(header) else None)
        and all(
            width - 1 >= len(r) or _blank(r[width - 1]) for r in top[header_row : header_row + 5]
        )
    ):
        width -= 1
    headers = [_cell_text(header[i]) if i < len(header) else "" for i in range(width)]
    samples = [
        [_cell_text(r[i]) if i < len(r) else "" for i in range(width)]
        for r in top[header_row : header_row + 3]
        if any(not _blank(c) for c in r)
    ]
    return Layout(header_row, headers, propose_mapping(headers), samples)


def check_mapping(mapping: list[str]) -> None:
    """A mapping the rows can be read with: the IIN and the name found, no column twice."""
    keys = [k for k in mapping if k]
    unknown = [k for k in keys if k not in _BY_KEY]
    if unknown:
        raise ValidationError(_("Unknown column: %(key)s.") % {"key": unknown[0]})
    twice = sorted({k for k in keys if k in _SINGLE and keys.count(k) > 1})
    if twice:
        raise ValidationError(
            _("Each kind of data may be in one column only: %(columns)s.")
            % {"columns": ", ".join(str(_BY_KEY[k].label) for k in twice)}
        )
    missing = []
    if "iin" not in keys:
        missing.append(str(_BY_KEY["iin"].label))
    if "full_name" not in keys:
        missing += [str(_BY_KEY[k].label) for k in ("surname", "name") if k not in keys]
    if missing:
        raise ValidationError(
            _(
                "Say which column holds: %(columns)s (the surname and name may be one full "
                "name column)."
            )
            % {"columns": ", ".join(missing)}
        )


def read_rows(
    path: Path, name: str, *, layout: Layout | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number in the sheet, {column key: value}) for every non-empty row under the
    header; a row's cells of columns not imported come as {"_other": [...]}."""
    if layout is None:
        layout = find_layout(path, name)
        check_mapping(layout.mapping)
    limit = settings.PERVICHKA_IMPORT_MAX_ROWS
    keys = layout.mapping
    for number, row in enumerate(_raw_rows(path, name), start=1):
        if number <= layout.header_row:
            continue
        if number > limit + layout.header_row:
            raise ImportFileError(
                _("The file has more than %(n)d rows; split it into several files.") % {"n": limit}
            )
        values: dict[str, object] = {}
        other: list[object] = []
        for key, cell in zip(keys, row, strict=False):
            if key and key != "number":
                values[key] = cell
            elif not _blank(cell):
                other.append(cell)
        if any(not _blank(v) for v in values.values()):
            values["_other"] = other
            yield number, values


def _chunks(rows: Iterator[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- cleaning --------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u00a0", " ").strip()


_IIN_SEPARATORS = str.maketrans("", "", " -\u00a0\u2009\u202f\t'`’")


def clean_iin(value: object, *, today: dt.date | None = None) -> str:
    """The IIN as 12 digits where it can be read so: spaces and dashes removed, a number
    stored as a float ("900501123456.0", 9.00501123456e+11) made whole again, and leading
    zeros that a number cell lost put back when the check digit then holds."""
    if type(value) is str and len(value) == 12 and value.isascii() and value.isdigit():
        return value  # the common form, as the registry writes it: nothing to clean
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value).translate(_IIN_SEPARATORS)
        if re.fullmatch(r"\d+[.,]0+", text):
            text = re.split(r"[.,]", text)[0]
        elif re.fullmatch(r"\d+(?:[.,]\d+)?[eE][+]?\d+", text):
            try:
                number = Decimal(text.replace(",", "."))
            except InvalidOperation:
                number = None
            if number is not None and number == number.to_integral_value():
                text = str(int(number))
    if text.isascii() and text.isdigit() and 8 <= len(text) < 12:
        padded = text.zfill(12)
        try:
            parse_iin(padded, today=today)
        except ValidationError:
            return text
        return padded
    return text


_PHONE_SPLIT = re.compile(r"[,;/]|\s(?:или|немесе|or)\s", re.IGNORECASE)
_NON_DIGITS = re.compile(r"\D")


def clean_phone(value: object) -> tuple[str, str]:
    """(the phone in E.164 or "", a problem: "" | "placeholder" | "invalid"). A cell with
    several numbers gives its first; a placeholder (8 700 000 00 00, 777 777 77 77) none."""
    if value is None:
        return "", ""
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    text = str(value).strip()
    if not text:
        return "", ""
    compact = text[1:] if text[0] == "+" else text
    if compact.isascii() and compact.isdigit():
        # The common forms, +77011234567 and 87011234567: one number, no separators, so
        # splitting and stripping non-digits would give the same digits.
        digits = compact
    else:
        text = _PHONE_SPLIT.split(text)[0].strip()
        digits = _NON_DIGITS.sub("", text)
    if len(digits) == 10:
        digits = "7" + digits
    if len(digits) == 11 and digits[0] in "78":
        subscriber = digits[4:]
        if (
            len(set(subscriber)) == 1
            or len(set(digits[1:])) <= 2
            or subscriber
            in (
                "1234567",
                "7654321",
            )
        ):
            return "", "placeholder"
        text = "+7" + digits[1:]
        if digits[1:4] in KZ_MOBILE_CODES:  # what normalize_phone's own fast path returns
            return text, ""
    try:
        return normalize_phone(text), ""
    except ValidationError:
        return "", "invalid"


_DMY = re.compile(r"(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{4}|\d{2})")
_DMY_DOTTED = re.compile(r"(\d\d)\.(\d\d)\.(\d{4})")
_YMD = re.compile(r"(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object, *, today: dt.date) -> dt.date:
    """A date as people type it, day first: dd.mm.yyyy, dd/mm/yy, d.m.yy, yyyy-mm-dd, an
    Excel serial number or a date cell. Two-digit years are of this century unless that is
    in the future. Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(value)
    text = _text(value)
    if match := _DMY_DOTTED.fullmatch(text):  # the common form, dd.mm.yyyy: no clean-up needed
        day, month, year = match.groups()
        return dt.date(int(year), int(month), int(day))
    text = re.sub(r"\s*(г\.?|года|ж\.?|жыл|жылы)\s*$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # "2024-03-15 00:00:00"
    if re.fullmatch(r"\d{4,5}(\.0+)?", text) and not re.fullmatch(r"(19|20)\d\d", text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    if match := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if match := _DMY.fullmatch(text):
        day, month, year_text = match.groups()
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if 2000 + year <= today.year else 1900
        return dt.date(year, int(month), int(day))
    raise ValueError(text)


def _title(word: str) -> str:
    if word.lower() in _PARTICLES:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def title_case(text: str) -> str:
    """ИВАНОВА-ПЕТРОВА АННА → Иванова-Петрова Анна; ҒАЛЫМ ҚЫЗЫ → Ғалым қызы."""
    return " ".join(_title(word) for word in text.split())


def _in_capitals(text: str) -> bool:
    # isupper() first: it is False for almost every name, and cheaper than counting letters.
    return text.isupper() and sum(c.isalpha() for c in text) >= 2


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _date_text(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# --- validating ------------------------------------------------------------------------


def _dues_category(text: str) -> str | None:
    """A dues category by its code or its name in any of the three languages."""
    wanted = text.strip().lower()
    for value, label in DuesCategory.choices:
        if wanted == value:
            return value
        for language in ("ru", "kk", "en"):
            with translation.override(language):
                if wanted == str(label).lower():
                    return value
    return None


def _settlement_keys(text: str) -> list[str]:
    """The ways a settlement may be named in a cell: the whole cell, and each part of an
    address ("с. Талшик, ул. Абая 5") without the words "село", "ауылы" and the like."""
    keys = [text.strip().lower()]
    for part in re.split(r"[,;]", text):
        words = [w for w in re.split(r"[\s.]+", part.lower().replace("ё", "е")) if w]
        words = [w for w in words if w not in _SETTLEMENT_WORDS]
        if words:
            keys.append(" ".join(words))
            keys.extend(words)
    return keys


class _Context:
    """What validation needs to know once per import, not once per row."""

    def __init__(self, actor, default_primary, layout: Layout):
        self.actor = actor
        self.today = timezone.localdate()
        # The range of a sensible joining date (core.dates), taken once: per row it read the
        # clock and the settings again.
        self.joined_first, self.joined_last = date_bounds(MEMBERSHIP, self.today)
        # The messages many rows get, translated once: the language does not change during
        # an import, and gettext per row was a third of the check's own time in a profile.
        self.pension_age = settings.PERVICHKA_PENSION_AGE
        self.proposed_message = _("Proposed: %(category)s — %(why)s.")
        self.pension_message = _("%(age)d years old by the IIN (pension age %(pension)d)")
        self.capitals_message = _("«%(typed)s» will be written «%(shown)s».")
        self.category_labels = {c.value: str(c.label) for c in DuesCategory}
        self.default_primary = default_primary
        self.layout = layout
        self.headers = {
            key: layout.headers[i] or str(_BY_KEY[key].label)
            for i, key in enumerate(layout.mapping)
            if key
        }
        primaries = list(primaries_for(actor, perm=Perm.MEMBERS_MANAGE))
        if default_primary is None and len(primaries) == 1:
            self.default_primary = primaries[0]
        self.primaries_by_name = {p.name.lower(): p for p in primaries}
        for p in primaries:
            if p.name_kk:
                self.primaries_by_name.setdefault(p.name_kk.lower(), p)
            if p.code:
                self.primaries_by_name.setdefault(p.code.lower(), p)
        self.settlements: dict[str, object] = {}
        for s in settlements_for(actor):
            self.settlements[s.kato] = s
            for name in (s.name, s.name_kk):
                if name:
                    self.settlements.setdefault(name.lower().replace("ё", "е"), s)
        self.seen_iins: dict[str, int] = {}
        self.seen_cards: dict[str, int] = {}
        self.totals: list[dict] = []
        self.examples: list[int] = []

    def column(self, key: str) -> str:
        return self.headers.get(key) or str(_BY_KEY[key].label)

    def problem(self, key: str, value: object, message: str) -> str:
        """ "Column: «value» — what is wrong": the chair finds the cell to fix."""
        return _("%(column)s: «%(value)s» — %(problem)s") % {
            "column": self.column(key),
            "value": _cell_text(value)[:80],
            "problem": message,
        }

    def settlement(self, text: str):
        for key in _settlement_keys(text):
            found = self.settlements.get(key)
            if found is not None:
                return found
        return None


def _is_total_row(values: dict[str, object]) -> str:
    """The text of a total row ("Итого: 45"), or "" for a row of a person."""
    for key, value in values.items():
        if key == "_other":
            continue
        text = _norm(value)
        if text.startswith(_TOTAL_WORDS):
            return _cell_text(value)
    for value in values.get("_other") or ():
        if _norm(value).startswith(_TOTAL_WORDS):
            return _cell_text(value)
    return ""


def _names(ctx: _Context, values: dict, result: RowResult) -> None:
    out = result.values
    if "full_name" in values and not _blank(values.get("full_name")):
        raw = _text(values["full_name"])
        parts = raw.split()
        if len(parts) < 2:
            result.error(
                "full_name",
                ctx.problem("full_name", raw, _("write the surname and the name")),
            )
            parts += [""] * 2
        out["surname"], out["name"] = parts[0], parts[1]
        out["patronymic"] = " ".join(parts[2:])
    else:
        for key in ("surname", "name", "patronymic"):
            value = values.get(key)
            # A text cell as it is (split() drops the no-break spaces _text replaces).
            out[key] = " ".join((value if type(value) is str else _text(value)).split())
        for key in ("surname", "name"):
            if not out[key]:
                result.error(key, _("%(column)s: empty — required.") % {"column": ctx.column(key)})
    surname, name, patronymic = out["surname"], out["name"], out["patronymic"]
    # The names as typed are kept only for a row whose capitals are changed (the chair may
    # keep them); other rows carry none.
    out["typed_name"] = None
    if _in_capitals(surname) or _in_capitals(name) or _in_capitals(patronymic):
        typed = " ".join(p for p in (surname, name, patronymic) if p)
        out["typed_name"] = [surname, name, patronymic]
        for key in ("surname", "name", "patronymic"):
            if _in_capitals(out[key]):
                out[key] = title_case(out[key])
        shown = " ".join(p for p in (out["surname"], out["name"], out["patronymic"]) if p)
        result.warn("capitals", ctx.capitals_message % {"typed": typed, "shown": shown})
    if len(out["surname"]) > 100 or len(out["name"]) > 100 or len(out["patronymic"]) > 100:
        for key in ("surname", "name", "patronymic"):
            if len(out[key]) > 100:
                result.error(key, ctx.problem(key, out[key], _("at most 100 characters")))


def _note(ctx: _Context, values: dict, result: RowResult, joined: dt.date | None) -> str:
    """What the note says: leaving (a warning), a dues category (a proposal)."""
    note = _text(values.get("note"))[:200]
    out = result.values
    out["note"] = note
    out["leave_reason"] = ""
    lowered = note.lower()
    if not note:
        return ""
    for reason, stems in _LEFT_NOTES:
        if any(stem in lowered for stem in stems):
            left = None
            if match := _DMY.search(note):
                try:
                    left = parse_date(match.group(0), today=ctx.today)
                except ValueError:
                    left = None
            if left is None or left > ctx.today:
                left = ctx.today
            if joined and left < joined:
                left = joined
            out["leave_reason"] = reason
            out["left"] = left.isoformat()
            result.warn(
                "left",
                _("%(column)s: «%(note)s» — left on %(date)s, reason: %(reason)s.")
                % {
                    "column": ctx.column("note"),
                    "note": note,
                    "date": _date_text(left),
                    "reason": LeaveReason(reason).label,
                },
            )
            break
    return lowered


def _propose_category(ctx, values, result, note: str, born: dt.date | None, sex: str) -> None:
    out = result.values
    out["dues_category"] = DuesCategory.WORKING
    out["proposed_category"] = ""
    text = _text(values.get("dues_category"))
    if text:
        category = _dues_category(text)
        if category is None:
            result.error(
                "dues_category",
                ctx.problem("dues_category", text, _("not a dues category")),
            )
        else:
            out["dues_category"] = category
        return
    proposed, why = None, ""
    for category, stems in _CATEGORY_NOTES:
        if note and any(stem in note for stem in stems):
            proposed, why = category, _("the note says «%(note)s»") % {"note": out["note"]}
            break
    if proposed is None and born is not None and sex in ctx.pension_age:
        age = _age(born, ctx.today)
        if age >= ctx.pension_age[sex]:
            proposed = DuesCategory.PENSIONER
            why = ctx.pension_message % {"age": age, "pension": ctx.pension_age[sex]}
    if proposed is not None:
        out["proposed_category"] = proposed
        result.warn(
            "category",
            ctx.proposed_message % {"category": ctx.category_labels[proposed], "why": why},
        )


def _validate_row(ctx: _Context, number: int, values: dict[str, object]) -> RowResult | None:
    """The row checked and cleaned, or None for a row that is no person (a total, the
    template's example)."""
    result = RowResult(row=number, values={})
    out = result.values
    raw_iin = values.get("iin")
    iin = clean_iin(raw_iin, today=ctx.today)
    info = None
    if iin == EXAMPLE_IIN:
        ctx.examples.append(number)
        return None
    if not iin:
        total = _is_total_row(values)
        if total:
            ctx.totals.append({"row": number, "text": total[:80]})
            return None
        result.error("iin", _("%(column)s: empty — required.") % {"column": ctx.column("iin")})
    else:
        try:
            info = parse_iin(iin, today=ctx.today)
        except ValidationError as exc:
            total = _is_total_row(values)
            if total:
                ctx.totals.append({"row": number, "text": total[:80]})
                return None
            message = " ".join(exc.messages)
            if isinstance(raw_iin, float) or "e+" in str(raw_iin).lower():
                message += " " + _(
                    "Excel shortened a long number: format the column as text and type "
                    "the IIN again."
                )
            result.error("iin", ctx.problem("iin", raw_iin, message))
        else:
            earlier = ctx.seen_iins.get(iin)
            if earlier is not None:
                result.error(
                    "iin",
                    ctx.problem(
                        "iin",
                        raw_iin,
                        _("the same IIN is already in row %(row)d") % {"row": earlier},
                    ),
                    code="duplicate",
                )
            else:
                ctx.seen_iins[iin] = number
    out["iin"] = iin
    out["born"], out["sex"] = (info.birth_date, info.sex) if info is not None else (None, "")
    _names(ctx, values, result)

    phone_raw = values.get("phone")
    out["phone"], problem = clean_phone(phone_raw)
    if problem == "placeholder":
        result.warn("phone", ctx.problem("phone", phone_raw, _("a placeholder, not a number")))
    elif problem == "invalid":
        result.warn("phone", ctx.problem("phone", phone_raw, _("not a Kazakhstan phone number")))

    address = _text(values.get("address"))
    out["address"] = address[:255]
    out["settlement"] = None
    settlement_text = _text(values.get("settlement"))
    if settlement_text:
        out["settlement"] = ctx.settlement(settlement_text)
        if out["settlement"] is None:
            result.warn(
                "settlement",
                ctx.problem("settlement", settlement_text, _("no such settlement in the district")),
            )
    elif address:
        out["settlement"] = ctx.settlement(address)

    primary_text = _text(values.get("primary"))
    primary = ctx.default_primary
    if primary_text:
        primary = ctx.primaries_by_name.get(primary_text.lower())
        if primary is None:
            result.error(
                "primary",
                ctx.problem(
                    "primary", primary_text, _("unknown primary organization, or not yours")
                ),
            )
    elif primary is None:
        result.error("primary", _("Name the primary organization in the row or choose one."))
    out["primary"] = primary

    joined_raw = values.get("joined")
    joined = None
    if _blank(joined_raw):
        joined = ctx.today
    else:
        try:
            joined = parse_date(joined_raw, today=ctx.today)
        except (ValueError, OverflowError):
            result.error(
                "joined",
                ctx.problem("joined", joined_raw, _("not a date; write it as dd.mm.yyyy")),
            )
        else:
            if joined > ctx.today:
                result.error("joined", ctx.problem("joined", joined_raw, _("a date in the future")))
            elif not (ctx.joined_first <= joined <= ctx.joined_last) and (
                refusal := date_refusal(joined, MEMBERSHIP)  # before the party existed
            ):
                result.error("joined", ctx.problem("joined", joined_raw, refusal))
            elif info is not None and _age(info.birth_date, joined) < MEMBERSHIP_AGE:
                result.error(
                    "joined",
                    ctx.problem(
                        "joined",
                        joined_raw,
                        _("joined at %(age)d; party membership starts at %(limit)d (%(law)s)")
                        % {
                            "age": _age(info.birth_date, joined),
                            "limit": MEMBERSHIP_AGE,
                            "law": MEMBERSHIP_LAW,
                        },
                    ),
                    code="minor",
                )
    out["joined"] = joined

    birth_raw = values.get("birth_date")
    if not _blank(birth_raw) and info is not None:
        try:
            born = parse_date(birth_raw, today=ctx.today)
        except (ValueError, OverflowError):
            born = None
            if re.fullmatch(r"(19|20)\d\d", _text(birth_raw)):
                born = dt.date(int(_text(birth_raw)), info.birth_date.month, info.birth_date.day)
        if born != info.birth_date:
            result.warn(
                "birth_date",
                ctx.problem(
                    "birth_date",
                    birth_raw,
                    _("the IIN says %(date)s") % {"date": _date_text(info.birth_date)},
                ),
            )

    card = _text(values.get("card_number"))
    if card:
        if len(card) > 20:
            result.error(
                "card_number", ctx.problem("card_number", card, _("at most 20 characters"))
            )
        earlier = ctx.seen_cards.get(card)
        if earlier is not None:
            result.error(
                "card_number",
                ctx.problem("card_number", card, _("already in row %(row)d") % {"row": earlier}),
                code="duplicate",
            )
        else:
            ctx.seen_cards[card] = number
    out["card_number"] = card or None

    note = _note(ctx, values, result, joined)
    _propose_category(
        ctx,
        values,
        result,
        note,
        info.birth_date if info else None,
        info.sex if info else "",
    )
    return result


def _check_against_registry(
    actor, results: list[RowResult], *, charge: bool = False, ctx: _Context | None = None
) -> dict[str, Person]:
    """Reject rows whose person is kept outside the importer's scope (with the neutral
    message of every staff form: neither the person nor their membership is revealed), is
    already a member, or could not be taken over, or whose card is taken; find the persons
    to reuse. With `charge`, every IIN kept outside the scope counts against the importer's
    hourly allowance of lookups, so a file cannot test the registry faster than the form."""
    iins = [r.values["iin"] for r in results if r.values.get("iin")]
    cards = [r.values["card_number"] for r in results if r.values.get("card_number")]
    if connection.vendor == "postgresql":
        # One round trip asks about the chunk's IINs and cards, each list one text
        # parameter; the persons found (few, in an import of new members) are then read
        # whole for the scope checks below.
        found, taken_cards = _registry_hits(iins, cards)
        iins = found
    else:
        taken_cards = set(
            Membership.objects.filter(card_number__anyof=cards).values_list(
                "card_number", flat=True
            )
        )
    persons = (
        {p.iin: p for p in Person.objects.filter(iin__anyof=iins).select_related("unit")}
        if iins
        else {}
    )
    hidden = {
        iin
        for iin, person in persons.items()
        if not has_perm_at(actor, Perm.PEOPLE_VIEW, person.unit.path)
        and not _granted(actor, person, results)
    }
    if charge and hidden:
        try:
            iin_lookups_charge(actor, cost=len(hidden))
        except ValidationError as exc:
            raise ImportFileError(exc.message_dict["iin"][0]) from exc
    foreign = {
        iin
        for iin, person in persons.items()
        if iin not in hidden
        and not has_perm_at(actor, Perm.PEOPLE_MANAGE, person.unit.path)
        and not _granted(actor, person, results)
    }
    current_members = (
        set(
            Membership.objects.filter(person__iin__anyof=list(persons))
            .exclude(status=MembershipStatus.ARCHIVED)
            .values_list("person__iin", flat=True)
        )
        if persons
        else set()
    )

    def where(key: str, value: str, message: str) -> str:
        return ctx.problem(key, value, message) if ctx is not None else message

    for result in results:
        iin = result.values.get("iin")
        if iin in hidden:
            result.error("iin", where("iin", iin, kept_elsewhere_message(request_sent=False)))
        elif iin in current_members:
            result.error(
                "iin",
                where("iin", iin, _("already a member of a primary organization")),
                code="member",
            )
        elif iin in foreign:
            result.error(
                "iin",
                where(
                    "iin",
                    iin,
                    _("the person is registered in another organization; ask its administrator"),
                ),
            )
        if result.values.get("card_number") in taken_cards:
            result.error(
                "card_number",
                where("card_number", result.values["card_number"], _("already in use")),
            )
    return persons


def _registry_hits(iins: list[str], cards: list[str]) -> tuple[list[str], set[str]]:
    """(the IINs of `iins` the registry holds, the cards of `cards` already given), in one
    query (PostgreSQL)."""
    iins_sql, iins_param = text_array_sql(iins)
    cards_sql, cards_param = text_array_sql(cards)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT true, "iin" FROM "{Person._meta.db_table}" WHERE "iin" = ANY({iins_sql}) '
            f'UNION ALL SELECT false, "card_number" FROM "{Membership._meta.db_table}" '
            f'WHERE "card_number" = ANY({cards_sql})',
            [iins_param, cards_param],
        )
        rows = cursor.fetchall()
    return [value for is_iin, value in rows if is_iin], {
        value for is_iin, value in rows if not is_iin
    }


def _granted(actor, person: Person, results: list[RowResult]) -> bool:
    """Has the keeper approved a request to use this person from the row's primary?"""
    for result in results:
        if result.values.get("iin") == person.iin and result.values.get("primary") is not None:
            return person_linkable(actor, person, result.values["primary"], granted_only=True)
    return False


def _validate(
    ctx: _Context, path: Path, name: str, *, charge: bool = False
) -> Iterator[tuple[list[RowResult], dict[str, Person]]]:
    for chunk in _chunks(read_rows(path, name, layout=ctx.layout), CHUNK):
        results = [r for r in (_validate_row(ctx, n, values) for n, values in chunk) if r]
        persons = _check_against_registry(ctx.actor, results, charge=charge, ctx=ctx)
        yield results, persons


# --- services --------------------------------------------------------------------------


def _require_import_right(actor, default_primary) -> None:
    if default_primary is not None and not has_perm_at(
        actor, Perm.MEMBERS_MANAGE, default_primary.path
    ):
        raise Http404
    if not primaries_for(actor, perm=Perm.MEMBERS_MANAGE).exists():
        raise Http404


def member_import_upload(*, actor, upload: UploadedFile, default_primary=None) -> MemberImport:
    """Store the file, find its header row and propose what each column holds. Reads no
    row beyond the first ones and writes no member."""
    _require_import_right(actor, default_primary)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError({"file": _("Upload an XLSX or CSV file.")})
    if upload.size > settings.PERVICHKA_IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)d MB.")
                % {"mb": settings.PERVICHKA_IMPORT_MAX_BYTES // (1024 * 1024)}
            }
        )
    job = MemberImport(
        token=secrets.token_hex(16),
        created_by=actor,
        created_at=timezone.now(),
        original_name=Path(upload.name).name[:200],
        default_primary=default_primary,
        status=ImportStatus.UPLOADED,
    )
    job.file.save(f"upload{suffix}", upload, save=False)
    try:
        layout = find_layout(Path(job.file.path), job.file.name)
    except ImportFileError as exc:
        job.file.delete(save=False)
        raise ValidationError({"file": str(exc)}) from exc
    job.header_row, job.columns, job.mapping = layout.header_row, layout.headers, layout.mapping
    job.save()
    return job


def member_import_layout(*, actor, job: MemberImport, header_row: int | None = None) -> Layout:
    """The job's header and mapping with the first rows under it, for the preview; another
    `header_row` proposes the mapping of that row."""
    if job.created_by_id != actor.pk:
        raise Http404
    try:
        if header_row is not None and header_row != job.header_row:
            return find_layout(Path(job.file.path), job.file.name, header_row=header_row)
        layout = find_layout(Path(job.file.path), job.file.name, header_row=job.header_row)
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from exc
    if len(job.mapping) == len(layout.headers):
        layout.mapping = list(job.mapping)
    return layout


def member_import_map(
    *,
    actor,
    job: MemberImport,
    mapping: list[str] | None = None,
    header_row: int | None = None,
    charge: bool = True,
) -> MemberImport:
    """Read every row with the mapping (as the chair corrected it), and store what would be
    refused, what looks wrong (for the chair to decide) and what was skipped. Writes no
    member: the rows that passed go to a file the confirmation reads."""
    if job.created_by_id != actor.pk:
        raise Http404
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise ValidationError(_("This import has already been decided."))
    _require_import_right(actor, job.default_primary)
    path, name = Path(job.file.path), job.file.name
    if header_row is not None and header_row != job.header_row:
        if not 1 <= header_row <= HEADER_SEARCH_ROWS + 5:
            raise ValidationError(
                {
                    "header_row": _("The header must be among the first %(n)d rows.")
                    % {"n": HEADER_SEARCH_ROWS + 5}
                }
            )
        layout = find_layout(path, name, header_row=header_row)
    else:
        layout = find_layout(path, name, header_row=job.header_row)
    if mapping is not None:
        mapping = (list(mapping) + [""] * len(layout.headers))[: len(layout.headers)]
        layout.mapping = mapping
    elif len(job.mapping) == len(layout.headers):
        layout.mapping = list(job.mapping)
    try:
        check_mapping(layout.mapping)
    except ValidationError as exc:
        raise ValidationError({"mapping": exc.messages}) from exc
    ctx = _Context(actor, job.default_primary, layout)
    total = valid = 0
    errors: list[dict] = []
    warnings: list[dict] = []
    categories: dict[str, int] = {}
    counts: dict[str, int] = {}
    settlements = 0
    checked = _checked_rows_path(job)
    try:
        with checked.open("w", encoding="utf-8") as out:
            for results, _persons in _validate(ctx, path, name, charge=charge):
                for result in results:
                    total += 1
                    v = result.values
                    label = " ".join(
                        p for p in (v.get("surname"), v.get("name"), v.get("patronymic")) if p
                    )
                    if result.errors:
                        errors.append(
                            {
                                "row": result.row,
                                "name": label,
                                "iin": v.get("iin") or "",
                                "errors": result.errors,
                                "member": "member" in result.codes,
                            }
                        )
                        continue
                    valid += 1
                    for kind, message in result.warnings:
                        counts[kind] = counts.get(kind, 0) + 1
                        if counts[kind] > WARNINGS_KEPT:
                            continue  # counted; these rows follow the choice for all
                        warnings.append(
                            {
                                "row": result.row,
                                "kind": kind,
                                "name": label,
                                "iin": v["iin"],
                                "message": message,
                            }
                        )
                    category = v.get("proposed_category") or v["dues_category"]
                    categories[category] = categories.get(category, 0) + 1
                    settlements += v["settlement"] is not None
                    out.write(json.dumps(_to_json(result), ensure_ascii=False) + "\n")
    except ImportFileError as exc:
        checked.unlink(missing_ok=True)
        raise ValidationError({"file": str(exc)}) from exc
    unused = [
        layout.headers[i] or _("column %(n)d") % {"n": i + 1}
        for i, key in enumerate(layout.mapping)
        if key in ("", "number")
        and (layout.headers[i] or any(i < len(s) and s[i] for s in layout.samples))
    ]
    job.header_row, job.columns, job.mapping = layout.header_row, layout.headers, layout.mapping
    job.total_rows, job.valid_rows, job.errors = total, valid, errors
    job.warnings = warnings
    job.notes = {
        "totals": ctx.totals,
        "examples": ctx.examples,
        "unused": unused,
        "categories": categories,
        "settlements": settlements,
        "warning_counts": counts,
        "primary": ctx.default_primary.pk if ctx.default_primary else None,
    }
    job.decisions = {}
    job.status = ImportStatus.CHECKED
    job.save()
    return job


def member_import_check(*, actor, upload: UploadedFile, default_primary=None) -> MemberImport:
    """Upload and check with the proposed mapping in one call (scripts, the bench): a file
    whose columns cannot be told is refused as a whole."""
    job = member_import_upload(actor=actor, upload=upload, default_primary=default_primary)
    try:
        return member_import_map(actor=actor, job=job)
    except ValidationError as exc:
        job.file.delete(save=False)
        job.delete()
        messages = (
            [m for ms in exc.message_dict.values() for m in ms]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        raise ValidationError({"file": " ".join(messages)}) from exc


# The columns the confirmation writes (core.bulk.insert_tuples_with_history), in its tuples'
# order; a field not named here gets its default.
PERSON_COLUMNS = [
    "iin",
    "surname",
    "name",
    "patronymic",
    "birth_date",
    "sex",
    "phone",
    "email",
    "settlement_id",
    "address",
    "unit_id",
    "consent_at",
    "consent_method",
    "search_name",
    "created_at",
    "updated_at",
]
MEMBERSHIP_COLUMNS = [
    "person_id",
    "primary_id",
    "joined",
    "left",
    "leave_reason",
    "card_number",
    "status",
    "dues_category",
    "created_by_id",
    "created_at",
]


def _consent_time():
    return timezone.now()


def _checked_rows_path(job: MemberImport) -> Path:
    return Path(job.file.path).with_suffix(".checked.jsonl")


# The checked-rows file holds a JSON array a row, its values in this order: an object of
# these 19 keys a row took twice the time to write and read. A file checked by the older
# code (an object a row, with or without "born" and "sex") is read as well: the chair who
# checked before an upgrade confirms without checking again.
CHECKED_KEYS = (
    "row",
    "iin",
    "surname",
    "name",
    "patronymic",
    "typed_name",
    "phone",
    "address",
    "settlement",
    "primary",
    "joined",
    "card_number",
    "dues_category",
    "proposed_category",
    "leave_reason",
    "left",
    "kinds",
    # What the IIN says, read once by the check: the confirmation does not parse it again.
    "born",
    "sex",
)


def _to_json(result: RowResult) -> list:
    v = result.values
    return [
        result.row,
        v["iin"],
        v["surname"],
        v["name"],
        v["patronymic"],
        v["typed_name"],
        v["phone"],
        v["address"],
        v["settlement"].pk if v["settlement"] is not None else None,
        v["primary"].pk,
        v["joined"].isoformat(),
        v["card_number"],
        v["dues_category"],
        v["proposed_category"],
        v["leave_reason"],
        v.get("left"),
        sorted({kind for kind, _m in result.warnings}),
        v["born"].isoformat(),
        v["sex"],
    ]


def _checked_rows(job: MemberImport) -> Iterator[dict]:
    """The rows the check passed, one at a time, as {key: value}."""
    keys = CHECKED_KEYS
    with _checked_rows_path(job).open(encoding="utf-8") as source:
        for line in source:
            value = json.loads(line)
            yield dict(zip(keys, value, strict=True)) if type(value) is list else value


def warning_groups(job: MemberImport, *, limit: int = 200) -> list[dict]:
    """The warnings by kind, for the preview: a choice for all and one per row shown."""
    decisions = job.decisions or {}
    groups: dict[str, dict] = {}
    for warning in job.warnings or []:
        kind = warning["kind"]
        choices, default = WARNING_CHOICES[kind]
        group = groups.setdefault(
            kind,
            {
                "kind": kind,
                "title": WARNING_TITLES[kind],
                "choices": choices,
                "choice": (decisions.get("all") or {}).get(kind, default),
                "rows": [],
                "count": 0,
            },
        )
        group["count"] += 1
        if len(group["rows"]) < limit:
            row_choice = (decisions.get("rows") or {}).get(str(warning["row"]), {}).get(kind, "")
            group["rows"].append({**warning, "choice": row_choice})
    counts = (job.notes or {}).get("warning_counts") or {}
    for kind, group in groups.items():
        group["count"] = max(group["count"], counts.get(kind, 0))
    return [groups[k] for k in WARNING_CHOICES if k in groups]


def _decision(decisions: dict, row: int, kind: str) -> str:
    chosen = (decisions.get("rows") or {}).get(str(row), {}).get(kind)
    if chosen:
        return chosen
    return (decisions.get("all") or {}).get(kind) or WARNING_CHOICES[kind][1]


def clean_decisions(raw: dict[str, str]) -> dict:
    """{"all-left": "skip", "row-12-left": "active"} (a form's fields) as decisions; unknown
    kinds and choices are dropped."""
    decisions: dict = {"all": {}, "rows": {}}
    for name, value in raw.items():
        parts = name.split("-")
        if parts[0] == "all" and len(parts) == 2:
            kind = parts[1]
            if kind in WARNING_CHOICES and value in dict(WARNING_CHOICES[kind][0]):
                decisions["all"][kind] = value
        elif parts[0] == "row" and len(parts) == 3 and parts[1].isdigit():
            kind = parts[2]
            if kind in WARNING_CHOICES and value in dict(WARNING_CHOICES[kind][0]):
                decisions["rows"].setdefault(parts[1], {})[kind] = value
    return decisions


def _checked_chunks(actor, job: MemberImport) -> Iterator[tuple[list[RowResult], dict]]:
    """The rows the check passed, chunk by chunk, checked again against the registry (it may
    have changed since) and against the actor's primaries (their rights may have)."""
    primaries = {p.pk: p for p in primaries_for(actor, perm=Perm.MEMBERS_MANAGE)}
    settlements = set(settlements_for(actor).values_list("pk", flat=True))
    for chunk in _chunks(((row["row"], row) for row in _checked_rows(job)), CHUNK):
        results = []
        for number, values in chunk:
            values["joined"] = dt.date.fromisoformat(values["joined"])
            settlement = values["settlement"]
            values["settlement_id"] = settlement if settlement in settlements else None
            primary_pk = values["primary"]
            values["primary"] = primaries.get(primary_pk)
            result = RowResult(row=number, values=values)
            if values["primary"] is None:
                result.error(
                    "primary",
                    _("Unknown primary organization, or not yours: %(value)s.")
                    % {"value": primary_pk},
                )
            results.append(result)
        yield results, _check_against_registry(actor, results)


def _apply_decisions(v: dict, decisions: dict, row: int) -> bool:
    """Apply the chair's decisions to a checked row; False when the row is to be skipped."""
    for kind in v.get("kinds") or ():
        choice = _decision(decisions, row, kind)
        if choice == "skip":
            return False
        if kind == "capitals" and choice == "keep":
            v["surname"], v["name"], v["patronymic"] = v["typed_name"]
        if kind == "category" and choice == "proposed" and v.get("proposed_category"):
            v["dues_category"] = v["proposed_category"]
        if kind == "left" and choice == "active":
            v["leave_reason"] = ""
    return True


@transaction.atomic
def member_import_confirm(
    *, actor, job: MemberImport, decisions: dict | None = None
) -> MemberImport:
    """Import every row that is still valid, as decided, in one transaction; report the
    rest. A row noted as having left goes in as an archived membership with its reason."""
    job = MemberImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise Http404
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("This import has already been decided."))
    _require_import_right(actor, job.default_primary)
    if decisions is not None:
        job.decisions = decisions
    decisions = job.decisions or {}
    now = _consent_time()
    errors: list[dict] = list(job.errors)
    confirm = _confirm_staged if connection.vendor == "postgresql" else _confirm_chunks
    total, imported, archived, skipped = confirm(actor, job, decisions, now, errors)
    errors.sort(key=lambda item: item["row"])
    job.status = ImportStatus.IMPORTED
    job.total_rows, job.imported_rows, job.errors = total + len(job.errors), imported, errors
    job.valid_rows = imported
    job.notes = {**(job.notes or {}), "archived": archived, "skipped": skipped}
    job.finished_at = timezone.now()
    job.save()
    return job


def _error_entry(row: int, name: str, iin: str, result: RowResult) -> dict:
    return {
        "row": row,
        "name": name,
        "iin": iin,
        "errors": result.errors,
        "member": "member" in result.codes,
    }


def _reuse_person(person: Person, v: dict, primary, now) -> None:
    """A person already in the registry, brought into the importer's primary: the file's
    non-empty values replace the registry's."""
    for key in ("surname", "name", "patronymic", "phone", "address"):
        if v[key]:
            setattr(person, key, v[key])
    if v["settlement_id"] is not None:
        person.settlement_id = v["settlement_id"]
    person.unit = primary
    if person.consent_at is None:
        person.consent_at = now
        person.consent_method = ConsentMethod.IMPORTED
    person.derive()


def _update_reused(actor, reused: list[Person]) -> None:
    if not reused:
        return
    bulk_update_with_history(
        reused,
        Person,
        [
            "surname",
            "name",
            "patronymic",
            "phone",
            "address",
            "settlement",
            "unit",
            "consent_at",
            "consent_method",
            "search_name",
            "birth_date",
            "sex",
        ],
        batch_size=CHUNK,
        default_user=actor,
        default_change_reason="import",
    )


def _confirm_chunks(
    actor, job: MemberImport, decisions: dict, now, errors: list[dict]
) -> tuple[int, int, int, int]:
    """The confirmation chunk by chunk from Python (SQLite): (rows, imported, archived,
    skipped)."""
    total, imported, archived, skipped = 0, 0, 0, 0
    actor_id = actor.pk
    imported_method = ConsentMethod.IMPORTED.value
    active, archived_status = MembershipStatus.ACTIVE.value, MembershipStatus.ARCHIVED.value
    for results, persons in _checked_chunks(actor, job):
        # New persons and their memberships go in as tuples (core.bulk): no model instance
        # is built by this code. A membership names its person by id, or by -(index + 1)
        # in `person_rows` for a person written in this chunk.
        person_rows: list[tuple] = []
        reused: list[Person] = []
        pending: list[tuple] = []
        for result in results:
            total += 1
            v = result.values
            if result.errors:
                name = " ".join(p for p in (v["surname"], v["name"], v["patronymic"]) if p)
                errors.append(_error_entry(result.row, name, v["iin"], result))
                continue
            if v.get("kinds") and not _apply_decisions(v, decisions, result.row):
                skipped += 1
                continue
            iin = v["iin"]
            primary_id = v["primary"].pk
            person = persons.get(iin)
            if person is None:
                surname, name, patronymic = v["surname"], v["name"], v["patronymic"]
                born, sex = v.get("born"), v.get("sex")
                if born is None:  # a file checked before the date of birth was kept in it
                    info = parse_iin(iin)
                    born, sex = info.birth_date, info.sex
                else:
                    born = dt.date.fromisoformat(born)
                full_name = " ".join(p for p in (surname, name, patronymic) if p)
                ref = -len(person_rows) - 1
                person_rows.append(
                    (
                        iin,
                        surname,
                        name,
                        patronymic,
                        born,
                        sex,
                        v["phone"],
                        "",
                        v["settlement_id"],
                        v["address"],
                        primary_id,
                        now,
                        imported_method,
                        full_name.lower(),
                        now,
                        now,
                    )
                )
            else:
                reused.append(person)
                ref = person.pk
                _reuse_person(person, v, v["primary"], now)
            left = dt.date.fromisoformat(v["left"]) if v["leave_reason"] else None
            archived += left is not None
            pending.append(
                (
                    ref,
                    primary_id,
                    v["joined"],
                    left,
                    v["leave_reason"] if left else "",
                    v["card_number"],
                    archived_status if left else active,
                    v["dues_category"],
                    actor_id,
                    now,
                )
            )
        new_ids = insert_tuples_with_history(
            Person, PERSON_COLUMNS, person_rows, actor=actor, reason="import"
        )
        _update_reused(actor, reused)
        membership_rows = [(ref if ref > 0 else new_ids[-ref - 1], *rest) for ref, *rest in pending]
        insert_tuples_with_history(
            Membership, MEMBERSHIP_COLUMNS, membership_rows, actor=actor, reason="import"
        )
        consents_record_imported(
            actor=actor,
            person_ids=[row[0] for row in membership_rows],
            at=now,
            new_person_ids=new_ids,
        )
        imported += len(membership_rows)
    return total, imported, archived, skipped


# The confirmation's staging table on PostgreSQL: a checked row a line, as it will be
# written (the chair's decisions applied), loaded with one COPY. The checks against the
# registry and the writes are then statements over the whole table, not per chunk.
_STAGING = "member_import_rows"
_STAGING_COLUMNS = [
    ("line", "integer"),
    ("label", "text"),  # the name as the check reported it, for a refusal
    ("iin", "text"),
    ("surname", "text"),
    ("name", "text"),
    ("patronymic", "text"),
    ("birth_date", "date"),
    ("sex", "text"),
    ("phone", "text"),
    ("settlement_id", "bigint"),
    ("address", "text"),
    ("primary_id", "bigint"),
    ("search_name", "text"),
    ("joined", "date"),
    ("left", "date"),
    ("leave_reason", "text"),
    ("card_number", "text"),
    ("dues_category", "text"),
    ("skip", "boolean"),  # the chair decided not to import it
    ("refused", "boolean"),  # its primary is not (or no longer) the importer's
]
# The rows a confirmation may write: not refused, not skipped.
_STAGED_OK = 'NOT s."refused" AND NOT s."skip"'


def _confirm_staged(
    actor, job: MemberImport, decisions: dict, now, errors: list[dict]
) -> tuple[int, int, int, int]:
    """The confirmation as set-based SQL (PostgreSQL): the checked rows go by COPY into a
    temporary table; the registry is asked about all of them in one statement, and only
    the rows it knows (persons already registered, cards already given) come back to Python
    for the same checks and messages as `_confirm_chunks`; persons, memberships, their
    history versions and the consents are then written by INSERT … SELECT from the table.
    Returns (rows, imported, archived, skipped)."""
    primaries = {p.pk: p for p in primaries_for(actor, perm=Perm.MEMBERS_MANAGE)}
    settlements = set(settlements_for(actor).values_list("pk", flat=True))
    columns = ", ".join(f'"{name}" {kind}' for name, kind in _STAGING_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS pg_temp."{_STAGING}"')
        cursor.execute(
            f'CREATE TEMPORARY TABLE "{_STAGING}" ({columns}, "person_id" bigint, '
            '"new_person" boolean NOT NULL DEFAULT false) ON COMMIT DROP'
        )
    names = ", ".join(f'"{name}"' for name, _kind in _STAGING_COLUMNS)
    raw = connection.cursor().cursor
    with raw.copy(f'COPY "{_STAGING}" ({names}) FROM STDIN') as copy:
        for v in _checked_rows(job):
            number = v["row"]
            label = " ".join(p for p in (v["surname"], v["name"], v["patronymic"]) if p)
            skip = bool(v.get("kinds")) and not _apply_decisions(v, decisions, number)
            surname, name, patronymic = v["surname"], v["name"], v["patronymic"]
            born, sex = v.get("born"), v.get("sex")
            if born is None:  # a file checked before the date of birth was kept in it
                info = parse_iin(v["iin"])
                born, sex = info.birth_date, info.sex
            settlement = v["settlement"]
            left = v["left"] if v["leave_reason"] else None
            copy.write_row(
                (
                    number,
                    label,
                    v["iin"],
                    surname,
                    name,
                    patronymic,
                    born,
                    sex,
                    v["phone"],
                    settlement if settlement in settlements else None,
                    v["address"],
                    v["primary"],
                    " ".join(p for p in (surname, name, patronymic) if p).lower(),
                    v["joined"],
                    left,
                    v["leave_reason"] if left else "",
                    v["card_number"],
                    v["dues_category"],
                    skip,
                    v["primary"] not in primaries,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{_STAGING}"')
        # The rows the registry knows (or whose primary is refused): few in an import of
        # new members, and the only ones Python looks at again.
        cursor.execute(
            f'SELECT s."line" FROM "{_STAGING}" s WHERE s."refused" OR EXISTS ('
            f'SELECT 1 FROM "{Person._meta.db_table}" p WHERE p."iin" = s."iin") OR ('
            f's."card_number" IS NOT NULL AND EXISTS (SELECT 1 FROM '
            f'"{Membership._meta.db_table}" m WHERE m."card_number" = s."card_number")) '
            f'ORDER BY s."line"'
        )
        known = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(known), CHUNK):
        _confirm_known(actor, known[start : start + CHUNK], primaries, now, errors)
    person_sql = {
        "iin": 's."iin"',
        "surname": 's."surname"',
        "name": 's."name"',
        "patronymic": 's."patronymic"',
        "birth_date": 's."birth_date"',
        "sex": 's."sex"',
        "phone": 's."phone"',
        "email": "''",
        "settlement_id": 's."settlement_id"',
        "address": 's."address"',
        "unit_id": 's."primary_id"',
        "consent_at": "%s",
        "consent_method": "%s",
        "search_name": 's."search_name"',
        "created_at": "%s",
        "updated_at": "%s",
    }
    person_params = [
        ConsentMethod.IMPORTED.value if c == "consent_method" else now
        for c in PERSON_COLUMNS
        if person_sql[c] == "%s"
    ]
    person_select = ", ".join(person_sql[c] for c in PERSON_COLUMNS)
    insert_select_with_history(
        Person,
        PERSON_COLUMNS,
        f'SELECT {person_select} FROM "{_STAGING}" s '
        f'WHERE {_STAGED_OK} AND s."person_id" IS NULL ORDER BY s."line"',
        person_params,
        actor=actor,
        reason="import",
        then=f'UPDATE "{_STAGING}" s SET "person_id" = new_rows."id", "new_person" = true '
        'FROM new_rows WHERE s."iin" = new_rows."iin"',
    )
    membership_sql = {
        "person_id": 's."person_id"',
        "primary_id": 's."primary_id"',
        "joined": 's."joined"',
        "left": 's."left"',
        "leave_reason": 's."leave_reason"',
        "card_number": 's."card_number"',
        "status": 'CASE WHEN s."left" IS NULL THEN %s ELSE %s END',
        "dues_category": 's."dues_category"',
        "created_by_id": "%s::bigint",
        "created_at": "%s::timestamptz",
    }
    insert_select_with_history(
        Membership,
        MEMBERSHIP_COLUMNS,
        f"SELECT {', '.join(membership_sql[c] for c in MEMBERSHIP_COLUMNS)} "
        f'FROM "{_STAGING}" s WHERE {_STAGED_OK} ORDER BY s."line"',
        [MembershipStatus.ACTIVE.value, MembershipStatus.ARCHIVED.value, actor.pk, now],
        actor=actor,
        reason="import",
    )
    consents_record_imported_staged(actor=actor, at=now, staging=_STAGING, where=_STAGED_OK)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {_STAGED_OK}), "
            f'count(*) FILTER (WHERE {_STAGED_OK} AND s."left" IS NOT NULL), '
            f'count(*) FILTER (WHERE NOT s."refused" AND s."skip") FROM "{_STAGING}" s'
        )
        total, imported, archived, skipped = cursor.fetchone()
        cursor.execute(f'DROP TABLE "{_STAGING}"')
    return total, imported, archived, skipped


def _confirm_known(actor, lines: list[int], primaries: dict, now, errors: list[dict]) -> None:
    """Staged rows the registry knows, checked as `_confirm_chunks` checks every row: the
    refused are marked and reported, the persons to reuse updated and named in the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "line", "label", "iin", "surname", "name", "patronymic", "phone", '
            '"address", "settlement_id", "primary_id", "card_number", "refused", "skip" '
            f'FROM "{_STAGING}" WHERE "line" = ANY(%s) ORDER BY "line"',
            [lines],
        )
        rows = cursor.fetchall()
    results = []
    for line, label, iin, *values, refused, skip in rows:
        v = dict(
            zip(
                (
                    "surname",
                    "name",
                    "patronymic",
                    "phone",
                    "address",
                    "settlement_id",
                    "primary",
                    "card_number",
                ),
                values,
                strict=True,
            )
        )
        v.update(iin=iin, label=label, skip=skip)
        primary_pk = v["primary"]
        v["primary"] = None if refused else primaries[primary_pk]
        result = RowResult(row=line, values=v)
        if refused:
            result.error(
                "primary",
                _("Unknown primary organization, or not yours: %(value)s.") % {"value": primary_pk},
            )
        results.append(result)
    persons = _check_against_registry(actor, results)
    refused_lines, reused, reused_lines = [], [], []
    for result in results:
        v = result.values
        if result.errors:
            errors.append(_error_entry(result.row, v["label"], v["iin"], result))
            refused_lines.append(result.row)
            continue
        person = persons.get(v["iin"])
        if v["skip"] or person is None:
            continue
        _reuse_person(person, v, v["primary"], now)
        reused.append(person)
        reused_lines.append(result.row)
    _update_reused(actor, reused)
    with connection.cursor() as cursor:
        if refused_lines:
            cursor.execute(
                f'UPDATE "{_STAGING}" SET "refused" = true WHERE "line" = ANY(%s)',
                [refused_lines],
            )
        if reused:
            cursor.execute(
                f'UPDATE "{_STAGING}" s SET "person_id" = known."person_id" '
                'FROM unnest(%s::integer[], %s::bigint[]) AS known("line", "person_id") '
                'WHERE s."line" = known."line"',
                [reused_lines, [person.pk for person in reused]],
            )


@transaction.atomic
def member_import_cancel(*, actor, job: MemberImport) -> MemberImport:
    """Import nothing: the user decided the file must be fixed first."""
    job = MemberImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise Http404
    if job.status not in (ImportStatus.CHECKED, ImportStatus.UPLOADED):
        raise ValidationError(_("This import has already been decided."))
    job.status = ImportStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save()
    return job


def already_members(job: MemberImport) -> list[int]:
    """The rows refused only because the person is already a member: one line, not forty."""
    return [e["row"] for e in job.errors or [] if e.get("member")]


def refused_to_fix(job: MemberImport) -> list[dict]:
    return [e for e in job.errors or [] if not e.get("member")]


def _reason(item: dict) -> str:
    return " ".join(m for messages in item["errors"].values() for m in messages)


def member_import_refused_xlsx(*, actor, job: MemberImport) -> bytes:
    """The refused rows as the file had them, with a reason column: fix and upload again.
    Rows already members are left out (there is nothing to fix)."""
    if job.created_by_id != actor.pk:
        raise Http404
    refused = {e["row"]: e for e in refused_to_fix(job)}
    headers = list(job.columns) or [""]
    sheet = XlsxSheet(_("To fix"), [*headers, _("Reason")])
    sheet.set_widths({"A": 8, "B": 32, "C": 16})
    try:
        rows = _raw_rows(Path(job.file.path), job.file.name)
        for number, row in enumerate(rows, start=1):
            item = refused.get(number)
            if item is None:
                continue
            cells = [row[i] if i < len(row) else None for i in range(len(headers))]
            sheet.append(
                [_cell_text(c) if isinstance(c, float) else c for c in cells] + [_reason(item)]
            )
    except ImportFileError:
        pass
    return sheet.to_bytes()


def member_import_template() -> bytes:
    """The workbook branches fill in: the columns with an example row (a generated person,
    skipped when the file comes back) and a second sheet explaining each column."""
    keys = [
        "number", "iin", "surname", "name", "patronymic", "phone", "settlement", "address",
        "primary", "joined", "card_number", "dues_category", "note",
    ]  # fmt: skip
    sheet = XlsxSheet(_("Members"), [str(_BY_KEY[k].label) for k in keys])
    example = {
        "number": 1,
        "iin": EXAMPLE_IIN,
        "surname": "Серікова",
        "name": "Әйгерім",
        "patronymic": "Болатқызы",
        "phone": "+7 701 234 56 78",
        "settlement": "",
        "address": "",
        "primary": "",
        "joined": timezone.localdate().replace(day=1).strftime("%d.%m.%Y"),
        "card_number": "",
        "dues_category": str(DuesCategory.WORKING.label),
        "note": _("Example: delete this row"),
    }
    sheet.append([example[k] for k in keys])
    sheet.set_widths(dict.fromkeys("ABCDEFGHIJKLM", 20))
    help_sheet = XlsxSheet(
        _("Columns"),
        [_("Column"), _("Required"), _("What to write"), _("Also recognised")],
        workbook=sheet.workbook,
    )
    for key in keys:
        column = _BY_KEY[key]
        required = key == "iin" or key in ("surname", "name")
        help_sheet.append(
            [
                str(column.label),
                _("yes") if required else _("no"),
                str(column.help),
                ", ".join(a for a in column.aliases if len(a) > 2)[:200],
            ]
        )
    help_sheet.append(
        [
            str(_BY_KEY["full_name"].label),
            _("no"),
            str(_BY_KEY["full_name"].help),
            ", ".join(_BY_KEY["full_name"].aliases),
        ]
    )
    help_sheet.set_widths({"A": 26, "B": 10, "C": 70, "D": 50})
    return sheet.to_bytes()


def member_import_relayout(*, actor, job: MemberImport, header_row: int) -> MemberImport:
    """Take another row as the header (the chair says so) and propose its mapping again."""
    if job.created_by_id != actor.pk:
        raise Http404
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise ValidationError(_("This import has already been decided."))
    if not 1 <= header_row <= HEADER_SEARCH_ROWS + 5:
        raise ValidationError(
            {
                "header_row": _("The header must be among the first %(n)d rows.")
                % {"n": HEADER_SEARCH_ROWS + 5}
            }
        )
    try:
        layout = find_layout(Path(job.file.path), job.file.name, header_row=header_row)
    except ImportFileError as exc:
        raise ValidationError({"header_row": str(exc)}) from exc
    job.header_row, job.columns, job.mapping = layout.header_row, layout.headers, layout.mapping
    job.status = ImportStatus.UPLOADED
    job.save()
    return job


def mapping_choices() -> list[tuple[str, str]]:
    return [("", _("— not imported —"))] + [(c.key, str(c.label)) for c in COLUMNS]


def column_label(key: str) -> str:
    return str(_BY_KEY[key].label) if key in _BY_KEY else ""
