"""A million members for the scale generator: a person with a valid IIN and a membership
in one of the primaries, written with COPY."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.core.iin import check_digit
from pervichka.devdata.fake import KAZAKH_MALE, KAZAKH_SURNAMES, RUSSIAN_FEMALE, RUSSIAN_SURNAMES
from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.people.importing import MEMBERSHIP_COLUMNS as IMPORT_MEMBERSHIP_COLUMNS
from pervichka.people.importing import PERSON_COLUMNS as IMPORT_PERSON_COLUMNS
from pervichka.people.models import Membership, Person

# The import's columns (people.importing), with the ids the generator gives itself.
PERSON_COLUMNS = ["id", *IMPORT_PERSON_COLUMNS]
MEMBERSHIP_COLUMNS = ["id", *IMPORT_MEMBERSHIP_COLUMNS]
CATEGORIES = ["working"] * 70 + ["pensioner"] * 18 + ["student"] * 7 + ["unemployed"] * 5


def _iin(number: int, birth: dt.date, sex: str) -> str:
    """A valid IIN, unique per `number` (the serial digits and the date spread them)."""
    century = 3 if birth.year < 2000 else 5
    digit = century + (1 if sex == "F" else 0)
    serial = number % 10000
    while True:
        head = f"{birth:%y%m%d}{digit}{serial:04d}"
        check = check_digit(head)
        if check is not None:
            return head + str(check)
        serial = (serial + 1) % 10000


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed)
    now = timezone.now()
    today = timezone.localdate()
    primaries = ctx.made["primaries"]
    person_id = next_id(Person)
    membership_id = next_id(Membership)
    first_person = person_id
    used: set[str] = set()
    memberships = []
    progress = Progress("persons", ctx.members, quiet=ctx.quiet)

    def persons():
        nonlocal person_id, membership_id
        for index in range(ctx.members):
            primary_id, _path, settlement_id = primaries[index % len(primaries)]
            sex = "M" if index % 2 else "F"
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
            iin = _iin(index, birth, sex)
            while iin in used:
                birth += dt.timedelta(days=1)
                iin = _iin(index, birth, sex)
            used.add(iin)
            if index % 2:
                name, surname = rng.choice(KAZAKH_MALE), rng.choice(KAZAKH_SURNAMES)
            else:
                name = rng.choice(RUSSIAN_FEMALE)
                surname = rng.choice(RUSSIAN_SURNAMES)
                surname = surname + "а" if surname.endswith(("ов", "ев", "ин")) else surname
            phone = f"+77{rng.choice('0157')}{rng.randrange(10**8):08d}"
            yield (
                person_id,
                iin,
                surname,
                name,
                "",
                birth,
                sex,
                phone,
                "",
                settlement_id,
                "",
                primary_id,
                now,
                "imported",
                f"{surname} {name}".lower(),
                now,
                now,
            )
            joined = today - dt.timedelta(days=rng.randrange(30, 365 * 15))
            memberships.append(
                (
                    membership_id,
                    person_id,
                    primary_id,
                    joined,
                    None,
                    "",
                    f"N{membership_id:08d}",
                    "active",
                    rng.choice(CATEGORIES),
                    None,
                    now,
                )
            )
            person_id += 1
            membership_id += 1

    copy_rows(Person, PERSON_COLUMNS, persons(), progress)
    progress.close()
    progress = Progress("memberships", len(memberships), quiet=ctx.quiet)
    copy_rows(Membership, MEMBERSHIP_COLUMNS, memberships, progress)
    progress.close()
    reset_sequence(Person)
    reset_sequence(Membership)
    ctx.made.update(
        persons=(first_person, person_id - 1),
        memberships=[(m[0], m[1], m[2], m[3], m[8]) for m in memberships],
    )
