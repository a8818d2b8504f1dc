"""Import of member lists from the XLSX and CSV files branches keep today.

Two steps, so that nothing is half-written:
1. `member_import_check` reads the file, validates every row and stores a report; nothing
   enters the registry.
2. `member_import_confirm` validates again (the registry may have changed meanwhile) and, in
   one transaction, writes every row that is still valid; `member_import_cancel` writes none.

Rows are read as a stream and written in chunks, so memory does not grow with the file;
each chunk asks the database once about the IINs and card numbers it holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from pervichka.core.bulk import insert_with_history
from pervichka.core.exporting import XlsxSheet
from pervichka.core.iin import parse_iin
from pervichka.core.phones import normalize_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import check_xlsx
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.enums import ConsentMethod, DuesCategory, ImportStatus, MembershipStatus
from pervichka.people.models import MemberImport, Membership, Person
from pervichka.people.selectors import person_linkable
from pervichka.people.services import (
    consents_record_imported,
    iin_lookups_charge,
    kept_elsewhere_message,
)

CHUNK = 1000

# Column key → header as the template writes it (the user's language) and the other
# spellings we accept, lower-cased: files come from many hands.
COLUMNS: list[tuple[str, object, set[str]]] = [
    ("iin", gettext_lazy("IIN"), {"iin", "иин", "жсн"}),
    ("surname", gettext_lazy("Surname"), {"surname", "фамилия", "тегі", "last name"}),
    ("name", gettext_lazy("Name"), {"name", "имя", "аты", "first name"}),
    ("patronymic", gettext_lazy("Patronymic"), {"patronymic", "отчество", "әкесінің аты"}),
    ("phone", gettext_lazy("Phone"), {"phone", "телефон"}),
    (
        "settlement",
        gettext_lazy("Settlement (name or KATO)"),
        {
            "settlement",
            "населенный пункт",
            "населённый пункт",
            "елді мекен",
            "село",
            "kato",
            "като",
        },
    ),
    ("address", gettext_lazy("Address"), {"address", "адрес", "мекенжай"}),
    (
        "primary",
        gettext_lazy("Primary organization"),
        {"primary", "primary organization", "первичная организация", "первичка", "бастауыш ұйым"},
    ),
    (
        "joined",
        gettext_lazy("Joined (dd.mm.yyyy)"),
        {"joined", "дата вступления", "вступил", "кірген күні"},
    ),
    (
        "card_number",
        gettext_lazy("Party card number"),
        {
            "card",
            "card number",
            "party card number",
            "номер билета",
            "партийный билет",
            "№ билета",
            "билет нөмірі",
        },
    ),
    (
        "dues_category",
        gettext_lazy("Dues category"),
        {"category", "dues category", "категория", "категория взносов", "жарна санаты"},
    ),
]
REQUIRED = ("iin", "surname", "name")


# Columns read from a sheet: ours and room for a few of the branch's own.
_MAX_COLUMNS = len(COLUMNS) + 50


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, no header, too large."""


@dataclass
class RowResult:
    row: int
    values: dict[str, object]
    errors: dict[str, list[str]] = field(default_factory=dict)
    person: Person | None = None
    membership: Membership | None = None

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(str(message))


# --- reading ---------------------------------------------------------------------------


def _header_key(text: object) -> str | None:
    label = str(text or "").strip().lower().rstrip("*").strip()
    for key, header, aliases in COLUMNS:
        if label == str(header).lower() or label in aliases or label == key:
            return key
    for key, _header, aliases in COLUMNS:
        # "Joined (dd.mm.yyyy)" and similar: compare the words before a bracket.
        if label.split("(")[0].strip() in aliases:
            return key
    return None


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
            raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is neither UTF-8 nor Windows-1251 text."))
    sample = raw.decode(encoding, errors="ignore")
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.reader(handle, delimiter=delimiter)


def read_rows(path: Path, name: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number in the file, {column key: value}) for every non-empty data row."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _rows_from_xlsx(path)
    elif suffix == ".csv":
        rows = _rows_from_csv(path)
    else:
        raise ImportFileError(_("Upload an XLSX or CSV file."))
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    keys = [_header_key(cell) for cell in header]
    missing = [str(h) for k, h, _a in COLUMNS if k in REQUIRED and k not in keys]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    limit = settings.PERVICHKA_IMPORT_MAX_ROWS
    for number, row in enumerate(rows, start=2):
        if number > limit + 1:
            raise ImportFileError(
                _("The file has more than %(n)d rows; split it into several files.") % {"n": limit}
            )
        values = {key: cell for key, cell in zip(keys, row, strict=False) if key}
        if any(str(v).strip() for v in values.values() if v is not None):
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


# --- validating ------------------------------------------------------------------------


def _dues_category(text: str, result: RowResult) -> str:
    """A dues category by its code or its name in any of the three languages."""
    if not text:
        return DuesCategory.WORKING
    wanted = text.strip().lower()
    for value, label in DuesCategory.choices:
        if wanted == value:
            return value
        for language in ("ru", "kk", "en"):
            with translation.override(language):
                if wanted == str(label).lower():
                    return value
    result.error("dues_category", _("Unknown dues category: %(value)s.") % {"value": text})
    return DuesCategory.WORKING


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Context:
    """What validation needs to know once per import, not once per row."""

    def __init__(self, actor, default_primary):
        self.actor = actor
        self.today = timezone.localdate()
        self.default_primary = default_primary
        primaries = list(primaries_for(actor, perm=Perm.MEMBERS_MANAGE))
        self.primaries_by_name = {p.name.lower(): p for p in primaries}
        for p in primaries:
            if p.name_kk:
                self.primaries_by_name.setdefault(p.name_kk.lower(), p)
            if p.code:
                self.primaries_by_name.setdefault(p.code.lower(), p)
        settlements = list(settlements_for(actor))
        self.settlements: dict[str, object] = {}
        for s in settlements:
            self.settlements[s.kato] = s
            self.settlements.setdefault(s.name.lower(), s)
            if s.name_kk:
                self.settlements.setdefault(s.name_kk.lower(), s)
        self.seen_iins: set[str] = set()
        self.seen_cards: set[str] = set()


def _validate_row(ctx: _Context, number: int, values: dict[str, object]) -> RowResult:
    result = RowResult(row=number, values={})
    out = result.values
    iin = _text(values.get("iin"))
    if not iin:
        result.error("iin", _("The IIN is required."))
    else:
        if iin.isdigit() and len(iin) == 11:
            iin = "0" + iin  # Excel drops the leading zero of a 2000s birth year.
        try:
            parse_iin(iin, today=ctx.today)
        except ValidationError as exc:
            for message in exc.messages:
                result.error("iin", message)
        else:
            if iin in ctx.seen_iins:
                result.error("iin", _("This IIN appears in an earlier row of the file."))
            ctx.seen_iins.add(iin)
    out["iin"] = iin
    for key in ("surname", "name"):
        out[key] = _text(values.get(key))
        if not out[key]:
            result.error(key, _("This field is required."))
    out["patronymic"] = _text(values.get("patronymic"))
    try:
        out["phone"] = normalize_phone(_text(values.get("phone")))
    except ValidationError as exc:
        out["phone"] = ""
        for message in exc.messages:
            result.error("phone", message)
    out["address"] = _text(values.get("address"))[:255]
    settlement_text = _text(values.get("settlement"))
    out["settlement"] = None
    if settlement_text:
        settlement = ctx.settlements.get(settlement_text) or ctx.settlements.get(
            settlement_text.lower()
        )
        if settlement is None:
            result.error(
                "settlement", _("Unknown settlement: %(value)s.") % {"value": settlement_text}
            )
        out["settlement"] = settlement
    primary_text = _text(values.get("primary"))
    primary = ctx.default_primary
    if primary_text:
        primary = ctx.primaries_by_name.get(primary_text.lower())
        if primary is None:
            result.error(
                "primary",
                _("Unknown primary organization, or not yours: %(value)s.")
                % {"value": primary_text},
            )
    elif primary is None:
        result.error("primary", _("Name the primary organization in the row or choose one."))
    out["primary"] = primary
    joined_raw = values.get("joined")
    if joined_raw in (None, ""):
        out["joined"] = ctx.today
    else:
        try:
            out["joined"] = _date(joined_raw)
        except ValueError:
            out["joined"] = None
            result.error("joined", _("Write the date as dd.mm.yyyy."))
        else:
            if out["joined"] > ctx.today:
                result.error("joined", _("The joining date cannot be in the future."))
    card = _text(values.get("card_number"))
    if card:
        if len(card) > 20:
            result.error("card_number", _("A party card number has at most 20 characters."))
        if card in ctx.seen_cards:
            result.error(
                "card_number", _("This card number appears in an earlier row of the file.")
            )
        ctx.seen_cards.add(card)
    out["card_number"] = card or None
    out["dues_category"] = _dues_category(_text(values.get("dues_category")), result)
    for key in ("surname", "name", "patronymic"):
        if len(out[key]) > 100:
            result.error(key, _("At most 100 characters."))
    return result


def _check_against_registry(
    actor, results: list[RowResult], *, charge: bool = False
) -> dict[str, Person]:
    """Reject rows whose person is kept outside the importer's scope (with the neutral
    message of every staff form: neither the person nor their membership is revealed), is
    already a member, or could not be taken over, or whose card is taken; find the persons
    to reuse. With `charge`, every IIN kept outside the scope counts against the importer's
    hourly allowance of lookups, so a file cannot test the registry faster than the form."""
    iins = [r.values["iin"] for r in results if r.values.get("iin")]
    persons = {p.iin: p for p in Person.objects.filter(iin__in=iins).select_related("unit")}
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
    current_members = set(
        Membership.objects.filter(person__iin__in=iins)
        .exclude(status=MembershipStatus.ARCHIVED)
        .values_list("person__iin", flat=True)
    )
    cards = [r.values["card_number"] for r in results if r.values.get("card_number")]
    taken_cards = set(
        Membership.objects.filter(card_number__in=cards).values_list("card_number", flat=True)
    )
    for result in results:
        if result.values.get("iin") in hidden:
            result.error("iin", kept_elsewhere_message(request_sent=False))
        elif result.values.get("iin") in current_members:
            result.error(
                "iin", _("A person with this IIN is already a member of a primary organization.")
            )
        elif result.values.get("iin") in foreign:
            result.error(
                "iin",
                _(
                    "A person with this IIN is registered in another organization; "
                    "ask its administrator."
                ),
            )
        if result.values.get("card_number") in taken_cards:
            result.error("card_number", _("This party card number is already in use."))
    return persons


def _granted(actor, person: Person, results: list[RowResult]) -> bool:
    """Has the keeper approved a request to use this person from the row's primary?"""
    for result in results:
        if result.values.get("iin") == person.iin and result.values.get("primary") is not None:
            return person_linkable(actor, person, result.values["primary"], granted_only=True)
    return False


def _validate(
    actor, path: Path, name: str, default_primary, *, charge: bool = False
) -> Iterator[tuple[list[RowResult], dict[str, Person]]]:
    ctx = _Context(actor, default_primary)
    for chunk in _chunks(read_rows(path, name), CHUNK):
        results = [_validate_row(ctx, number, values) for number, values in chunk]
        persons = _check_against_registry(ctx.actor, results, charge=charge)
        yield results, persons


# --- services --------------------------------------------------------------------------


def _require_import_right(actor, default_primary) -> None:
    if default_primary is not None and not has_perm_at(
        actor, Perm.MEMBERS_MANAGE, default_primary.path
    ):
        raise Http404
    if not primaries_for(actor, perm=Perm.MEMBERS_MANAGE).exists():
        raise Http404


def member_import_check(*, actor, upload: UploadedFile, default_primary=None) -> MemberImport:
    """Store the file and a report of every row that would be rejected. Writes no member."""
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
    )
    job.file.save(f"upload{suffix}", upload, save=False)
    total = valid = 0
    errors: list[dict] = []
    # The rows that passed, normalized, one JSON line each: the confirmation reads these
    # instead of validating the whole file a second time.
    checked = _checked_rows_path(job)
    try:
        with checked.open("w", encoding="utf-8") as out:
            for results, _persons in _validate(
                actor, Path(job.file.path), job.file.name, default_primary, charge=True
            ):
                for result in results:
                    total += 1
                    if result.errors:
                        errors.append({"row": result.row, "errors": result.errors})
                    else:
                        valid += 1
                        out.write(json.dumps(_to_json(result), ensure_ascii=False) + "\n")
    except ImportFileError as exc:
        job.file.delete(save=False)
        checked.unlink(missing_ok=True)
        raise ValidationError({"file": str(exc)}) from exc
    job.total_rows, job.valid_rows, job.errors = total, valid, errors
    job.status = ImportStatus.CHECKED
    job.save()
    return job


def _consent_time():
    return timezone.now()


def _checked_rows_path(job: MemberImport) -> Path:
    return Path(job.file.path).with_suffix(".checked.jsonl")


def _to_json(result: RowResult) -> dict:
    v = result.values
    return {
        "row": result.row,
        "iin": v["iin"],
        "surname": v["surname"],
        "name": v["name"],
        "patronymic": v["patronymic"],
        "phone": v["phone"],
        "address": v["address"],
        "settlement": v["settlement"].pk if v["settlement"] is not None else None,
        "primary": v["primary"].pk,
        "joined": v["joined"].isoformat(),
        "card_number": v["card_number"],
        "dues_category": v["dues_category"],
    }


def _checked_chunks(actor, job: MemberImport) -> Iterator[tuple[list[RowResult], dict]]:
    """The rows the check passed, chunk by chunk, checked again against the registry (it may
    have changed since) and against the actor's primaries (their rights may have)."""
    primaries = {p.pk: p for p in primaries_for(actor, perm=Perm.MEMBERS_MANAGE)}
    settlements = {s.pk: s for s in settlements_for(actor)}
    with _checked_rows_path(job).open(encoding="utf-8") as source:
        lines = (json.loads(line) for line in source)
        for chunk in _chunks(((row["row"], row) for row in lines), CHUNK):
            results = []
            for number, row in chunk:
                values = dict(row)
                values["joined"] = dt.date.fromisoformat(row["joined"])
                values["settlement"] = settlements.get(row["settlement"])
                values["primary"] = primaries.get(row["primary"])
                result = RowResult(row=number, values=values)
                if values["primary"] is None:
                    result.error(
                        "primary",
                        _("Unknown primary organization, or not yours: %(value)s.")
                        % {"value": row["primary"]},
                    )
                results.append(result)
            yield results, _check_against_registry(actor, results)


@transaction.atomic
def member_import_confirm(*, actor, job: MemberImport) -> MemberImport:
    """Import every row that is still valid, in one transaction; report the rest."""
    job = MemberImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise Http404
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("This import has already been decided."))
    _require_import_right(actor, job.default_primary)
    now = _consent_time()
    total, imported = len(job.errors), 0
    errors: list[dict] = list(job.errors)
    if _checked_rows_path(job).exists():
        chunks = _checked_chunks(actor, job)
    else:  # an import checked before the checked rows were kept: validate the file again
        total, errors = 0, []
        chunks = _validate(actor, Path(job.file.path), job.file.name, job.default_primary)
    for results, persons in chunks:
        new_persons: list[Person] = []
        reused: list[Person] = []
        memberships: list[Membership] = []
        for result in results:
            total += 1
            if result.errors:
                errors.append({"row": result.row, "errors": result.errors})
                continue
            v = result.values
            person = persons.get(v["iin"])
            if person is None:
                person = Person(iin=v["iin"])
                new_persons.append(person)
            else:
                reused.append(person)
            for key in ("surname", "name", "patronymic", "phone", "address"):
                if v[key]:
                    setattr(person, key, v[key])
            if v["settlement"] is not None:
                person.settlement = v["settlement"]
            person.unit = v["primary"]
            if person.consent_at is None:
                person.consent_at = now
                person.consent_method = ConsentMethod.IMPORTED
            person.derive()
            memberships.append(
                Membership(
                    person=person,
                    primary=v["primary"],
                    joined=v["joined"],
                    card_number=v["card_number"],
                    dues_category=v["dues_category"],
                    status=MembershipStatus.ACTIVE,
                    created_by=actor,
                )
            )
        insert_with_history(Person, new_persons, actor=actor, reason="import")
        if reused:
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
        for membership in memberships:
            membership.person_id = membership.person.pk
        insert_with_history(Membership, memberships, actor=actor, reason="import")
        consents_record_imported(actor=actor, person_ids=[m.person_id for m in memberships], at=now)
        imported += len(memberships)
    errors.sort(key=lambda item: item["row"])
    job.status = ImportStatus.IMPORTED
    job.total_rows, job.imported_rows, job.errors = total, imported, errors
    job.valid_rows = imported
    job.finished_at = timezone.now()
    job.save()
    return job


@transaction.atomic
def member_import_cancel(*, actor, job: MemberImport) -> MemberImport:
    """Import nothing: the user decided the file must be fixed first."""
    job = MemberImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise Http404
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("This import has already been decided."))
    job.status = ImportStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save()
    return job


def member_import_template(*, language_headers: bool = True) -> bytes:
    """An empty workbook with the column headers, for branches to fill in."""
    sheet = XlsxSheet(_("Members"), [str(header) for _key, header, _aliases in COLUMNS])
    sheet.set_widths(dict.fromkeys("ABCDEFGHIJ", 22))
    return sheet.to_bytes()
