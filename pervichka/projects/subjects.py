"""What the projects hold about a person (core.subjects): the events they took part in.
Anonymising changes nothing here: a participation (hours, role) stays and points at the
person whose name the people floor has replaced."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.projects.models import EventParticipant


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    rows = [
        [
            cell(p.event.date),
            p.event.title,
            cell(p.event.primary),
            p.get_role_display(),
            cell(p.hours),
        ]
        for p in EventParticipant.objects.filter(person_id=person_id)
        .select_related("event__primary")
        .order_by("event__date", "pk")
    ]
    header = [_("date"), _("event"), _("primary organization"), _("role"), _("hours")]
    return [subjects.Section(_("Event participation"), header, rows)]


def register() -> None:
    subjects.register("projects", export=export)
