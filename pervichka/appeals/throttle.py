"""How often one connection may send appeals through the public form and the public API.

Only submissions that pass validation count against the hourly limit, so a citizen who
mistypes a phone a few times is not turned away; every attempt counts against a much higher
cap, so the form cannot be hammered either.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pervichka.core.ratelimit import client_ip, hit

ATTEMPTS_PER_SUBMISSION = 5


class Throttled(Exception):
    """A valid submission over the hourly limit: its transaction is rolled back."""


def attempt_allowed(request: HttpRequest) -> bool:
    """Count one attempt, valid or not; False once the connection has made too many."""
    return hit(
        "appeal-submit-attempt",
        client_ip(request),
        limit=settings.PERVICHKA_PUBLIC_RATE_PER_HOUR * ATTEMPTS_PER_SUBMISSION,
        window_seconds=3600,
    )


def submission_allowed(request: HttpRequest) -> bool:
    """Count one valid submission; False once the hourly limit is used up."""
    return hit(
        "appeal-submit",
        client_ip(request),
        limit=settings.PERVICHKA_PUBLIC_RATE_PER_HOUR,
        window_seconds=3600,
    )


def too_many_appeals() -> str:
    return _(
        "Too many appeals from this connection in the last hour. "
        "Please try again later or call the reception office."
    )
