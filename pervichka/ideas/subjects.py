"""What the ideas contest holds about a person (core.subjects): the ideas they submitted.
An idea's text is the author's own public contribution; anonymising keeps it and removes
the author's name with the person's record on the people floor."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.ideas.models import Idea


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    rows = [
        [i.code, cell(i.submitted_at), i.title, i.text, i.get_status_display()]
        for i in Idea.objects.filter(author_id=person_id).order_by("submitted_at", "pk")
    ]
    header = [_("idea code"), _("submitted"), _("title"), _("the idea"), _("status")]
    return [subjects.Section(_("Ideas"), header, rows)]


def register() -> None:
    subjects.register("ideas", export=export)
