"""How often one connection may use the public appeal pages and the public API.

Only submissions that pass validation count against the hourly limit, so a citizen who
mistypes a phone a few times is not turned away; every attempt counts against a much higher
cap, so the form cannot be hammered either. The limit is PERVICHKA_PUBLIC_RATE_PER_HOUR,
the same for the web pages and the API.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from pervichka.core.ratelimit import hit

ATTEMPTS_PER_SUBMISSION = 5


class Throttled(Exception):
    """Over an hourly limit: the web answers 429 with the message, so does the API. Raised
    inside the submission's transaction, it rolls the appeal back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def attempt_allowed(client_ip: str) -> bool:
    """Count one attempt, valid or not; False once the connection has made too many."""
    return hit(
        "appeal-submit-attempt",
        client_ip,
        limit=settings.PERVICHKA_PUBLIC_RATE_PER_HOUR * ATTEMPTS_PER_SUBMISSION,
        window_seconds=3600,
    )


def submission_allowed(client_ip: str) -> bool:
    """Count one valid submission; False once the hourly limit is used up."""
    return hit(
        "appeal-submit",
        client_ip,
        limit=settings.PERVICHKA_PUBLIC_RATE_PER_HOUR,
        window_seconds=3600,
    )


def lookup_allowed(scope: str, client_ip: str) -> bool:
    """Count one use of a public page or endpoint that takes a code (tracking, reopening).

    Its own limit (PERVICHKA_TRACK_RATE_PER_HOUR), the same for the web and the API: a
    citizen checks an appeal many times, villagers share one mobile operator's address, and
    a 60-bit code cannot be guessed at any rate a limit allows."""
    return hit(scope, client_ip, limit=settings.PERVICHKA_TRACK_RATE_PER_HOUR, window_seconds=3600)


def too_many_attempts() -> str:
    return _("Too many attempts. Please try again in an hour.")


def too_many_appeals() -> str:
    return _(
        "Too many appeals from this connection in the last hour. "
        "Please try again later or call the reception office."
    )
