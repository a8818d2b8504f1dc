"""Random public codes (tracking codes, idea codes, certificate codes).

Crockford's base32 without the letters people confuse (I, L, O, U): 5 random bits a
character, read aloud or typed from paper without mistakes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_code(length: int, choice: Callable[[Sequence[str]], str] = secrets.choice) -> str:
    """`length` characters of the alphabet. `choice` picks one: a generator passes its seeded
    random source's, everything else the default cryptographic one."""
    return "".join(choice(CODE_ALPHABET) for _ in range(length))
