"""How appeals are numbered and coded, as pure functions.

The registration number is the district's short code (or D and its id when it has none),
the year and the place in the year's count: AKZ-2026-000123. The tracking code is 12
characters of Crockford's base32 without the letters people confuse (I, L, O, U): 60
random bits. The services take the count from the gap-free counter; the generators count
themselves, and both format through these functions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from pervichka.core.codes import CODE_ALPHABET, random_code

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "registration_number", "tracking_code"]

CODE_LENGTH = 12


def number_prefix(*, code: str, district_id: int) -> str:
    return code or f"D{district_id}"


def registration_number(*, code: str, district_id: int, year: int, sequence: int) -> str:
    """The appeal's registration number: AKZ-2026-000123."""
    return f"{number_prefix(code=code, district_id=district_id)}-{year}-{sequence:06d}"


def tracking_code(choice: Callable[[Sequence[str]], str] = secrets.choice) -> str:
    """A new tracking code. `choice` picks one character; a generator passes its seeded
    random source's, everything else the default cryptographic one."""
    return random_code(CODE_LENGTH, choice)
