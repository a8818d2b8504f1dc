"""The appeals search: what a citizen tells the operator finds the appeal.

A query is split into phone-like runs ("+7 705 123 45 67", "8(705)1234567", "4567") and
words. A word matches the registration number or the citizen's name (`search_key`, any
order of surname and name, prefixes too), and, where the user may read the appeal's personal
data, its text (`search_text`) and its tracking code. A phone run matches the contact or
registry phone (`search_phone`) only where the user may read personal data, and the
registration number everywhere: masked data stays unsearchable (issue 13, point 2).

Every match is on the appeal's own columns, each with a trigram index on PostgreSQL
(migrations 0002 and 0004), so that the database combines them with a bitmap OR instead of
joining a million citizens.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q

from pervichka.appeals.models import Appeal
from pervichka.core.codes import CODE_ALPHABET

# A run of digits with the separators people type in phone numbers, standing alone.
_PHONE_RUN = re.compile(r"(?<!\S)\+?[(]?\d[\d\s()\-]*\d(?!\S)")
_CODE_CHARS = frozenset(CODE_ALPHABET)
MIN_PHONE_DIGITS = 4


def national_digits(phone: str) -> str:
    """The 10 national digits of a Kazakh number in any format, or the digits as they are."""
    digits = "".join(c for c in phone or "" if c.isascii() and c.isdigit())
    if len(digits) == 11 and digits[0] in "78":
        return digits[1:]
    return digits


def search_key(number: str, full_name: str) -> str:
    return f"{number} {full_name}".lower().strip()


def search_phone(*phones: str) -> str:
    seen: list[str] = []
    for phone in phones:
        digits = national_digits(phone)
        if digits and digits not in seen:
            seen.append(digits)
    return " ".join(seen)


def split_query(text: str) -> tuple[list[str], list[str]]:
    """(phone digit runs, words) of a query."""
    phones = []
    for run in _PHONE_RUN.findall(text):
        phones.append(national_digits(run))
    rest = _PHONE_RUN.sub(" ", text)
    # "Иванов С." as the list shows a citizen: initials' dots and commas are no part of a name.
    words = [word.strip(".,;") for word in rest.lower().split()]
    return phones, [word for word in words if word]


_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def _tracking_code(word: str) -> str:
    """The word read as a tracking code the way the public tracking page reads it."""
    code = word.upper().replace("-", "").translate(_CODE_LOOKALIKES)
    return code if len(code) >= 8 and set(code) <= _CODE_CHARS else ""


def appeal_search_q(text: str, readable: Q) -> Q:
    """The filter for a search `text`; `readable` says where personal data may be read."""
    q = Q()
    phones, words = split_query(text[:200])
    for digits in phones:
        found = Q(search_key__contains=digits)
        if len(digits) >= MIN_PHONE_DIGITS:
            found |= Q(search_phone__contains=digits) & readable
        q &= found
    for word in words:
        found = Q(search_key__contains=word) | (Q(search_text__contains=word) & readable)
        code = _tracking_code(word)
        if code:
            found |= Q(tracking_code=code) & readable
        q &= found
    return q


def fill_search_keys(appeal) -> None:
    """Set the appeal's search columns from its number, citizen and phones."""
    person = appeal.person
    appeal.search_key = search_key(appeal.number, person.full_name)
    appeal.search_phone = search_phone(appeal.contact_phone, person.phone)


def person_changed(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A citizen's name or phone changed in the registry: their appeals are found by the new
    ones (a post_save receiver, connected in AppsConfig.ready). A new person has no appeals."""
    if created or raw:
        return
    appeals = list(
        Appeal.objects.filter(person_id=instance.pk).only(
            "pk", "number", "contact_phone", "search_key", "search_phone"
        )
    )
    changed = []
    for appeal in appeals:
        key = search_key(appeal.number, instance.full_name)
        phone = search_phone(appeal.contact_phone, instance.phone)
        if (key, phone) != (appeal.search_key, appeal.search_phone):
            appeal.search_key, appeal.search_phone = key, phone
            changed.append(appeal)
    if changed:
        Appeal.objects.bulk_update(changed, ["search_key", "search_phone"])


# The same fill as migration 0004, for rows written by COPY (the scale generator).
_NATIONAL = "CASE WHEN {col} LIKE '+7%' THEN substr({col}, 3) ELSE replace({col}, '+', '') END"
FILL_SQL = f"""
UPDATE appeals_appeal SET
  search_key = lower(number) || ' ' || COALESCE(
    (SELECT p.search_name FROM people_person p WHERE p.id = appeals_appeal.person_id), ''),
  search_phone = trim(
    {_NATIONAL.format(col="contact_phone")} || ' ' || COALESCE(
      (SELECT {_NATIONAL.format(col="p.phone")} FROM people_person p
       WHERE p.id = appeals_appeal.person_id), ''))
"""


def fill_all_search_keys() -> None:
    with connection.cursor() as cursor:
        cursor.execute(FILL_SQL)
