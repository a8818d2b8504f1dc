"""What the School holds about a person (core.subjects): their enrolments and results."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.training.models import Enrolment


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    rows = [
        [
            cell(e.cohort),
            e.get_status_display(),
            cell(e.score),
            cell(e.completed_on),
            e.certificate_code or "",
        ]
        for e in Enrolment.objects.filter(person_id=person_id)
        .select_related("cohort")
        .order_by("enrolled_at", "pk")
    ]
    header = [_("cohort"), _("status"), _("assessment score"), _("completed"), _("certificate")]
    return [subjects.Section(_("Training"), header, rows)]


def register() -> None:
    subjects.register("training", export=export)
