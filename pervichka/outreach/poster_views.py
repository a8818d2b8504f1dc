"""Field receptions for the primaries: the upcoming ones with how many were told, and the
printable poster of one (date, place, who receives, QR codes of the primary's bot and of
the reception on the portal). Thin views over outreach.announcements."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from pervichka.appeals.selectors import bot_deep_link
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere
from pervichka.outreach import announcements


def _qr_svg(url: str) -> str:
    # segno writes the SVG itself from the URL: nothing of the user's text reaches it raw.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True))


@login_required
def receptions(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.OUTREACH_VIEW):
        raise Http404
    return render(
        request,
        "outreach/receptions.html",
        {"rows": announcements.receptions_for_posters(request.user)},
    )


@login_required
def reception_poster(request: HttpRequest, pk: int, primary: int) -> HttpResponse:
    reception, unit = announcements.poster_get(request.user, pk, primary)
    bot_link = bot_deep_link(unit)
    public_link = announcements.reception_public_url(reception)
    return render(
        request,
        "outreach/reception_poster.html",
        {
            "reception": reception,
            "primary": unit,
            "hosts": list(reception.hosts.all()),
            "bot_link": bot_link,
            "bot_qr": _qr_svg(bot_link) if bot_link else "",
            "public_link": public_link,
            "public_qr": _qr_svg(public_link),
        },
    )
