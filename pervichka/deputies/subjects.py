"""What the faction's register holds about a person (core.subjects): their mandates. A
current mandate is public and keeps the data."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.deputies.models import Deputy


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    rows = [
        [d.council, d.term, cell(d.term_start), cell(d.term_end), d.constituency]
        for d in Deputy.objects.filter(person_id=person_id).order_by("term_start")
    ]
    header = [_("council"), _("term"), _("term from"), _("term to"), _("constituency")]
    return [subjects.Section(_("Deputy mandates"), header, rows)]


def keeps(person_id: int) -> list[str]:
    current = Q(term_end__isnull=True) | Q(term_end__gte=timezone.localdate())
    if Deputy.objects.filter(current, person_id=person_id).exists():
        return [_("a current deputy's mandate")]
    return []


def register() -> None:
    subjects.register("deputies", export=export, keeps=keeps)
