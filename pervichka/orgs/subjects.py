"""What the org tree holds about a person (core.subjects): the positions they held. A
current position keeps the data."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.orgs.models import Position


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    rows = [
        [cell(p.org_unit), p.get_kind_display(), cell(p.start), cell(p.end)]
        for p in Position.objects.filter(person_id=person_id)
        .select_related("org_unit")
        .order_by("start")
    ]
    header = [_("organization"), _("position"), _("from"), _("to")]
    return [subjects.Section(_("Positions"), header, rows)]


def keeps(person_id: int) -> list[str]:
    current = Q(end__isnull=True) | Q(end__gte=timezone.localdate())
    if Position.objects.filter(current, person_id=person_id).exists():
        return [_("a current position in the organization")]
    return []


def register() -> None:
    subjects.register("orgs", export=export, keeps=keeps)
