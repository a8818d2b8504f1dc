"""Idempotency keys: a retry with the same key and the same content gets the first result;
the same key with different content is refused (409 in the API), never answered with what
another submission made (another citizen's appeal, another primary's payment)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")


class IdempotencyConflict(Exception):
    """The key was used before for a different submission."""

    def __init__(self, message: str | None = None):
        self.message = message or _(
            "This submission key was already used for different content. "
            "Send a new key with a new submission."
        )
        super().__init__(self.message)


def _normal(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return _SPACES.sub(" ", value).strip().casefold()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(_normal(v)) for v in value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def ensure_same_submission(stored: Mapping[str, object], incoming: Mapping[str, object]) -> None:
    """Refuse with IdempotencyConflict when any field of the submission differs from what
    the first one under this key stored (spacing and letter case aside: a retry re-sends
    the same text, a different request under a reused key does not)."""
    for name, value in incoming.items():
        if _normal(value) != _normal(stored.get(name)):
            raise IdempotencyConflict()
