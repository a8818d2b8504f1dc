"""What the youth register holds about a person (core.subjects): the profile, the cases and
their notes. Anonymising empties the texts and keeps the counts (statuses, dates)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from pervichka.core import subjects
from pervichka.people.subjects import person_anonymise_if_unused
from pervichka.youth.enums import CaseStatus
from pervichka.youth.models import Case, CaseNote, YoungPerson

_PROFILE_WIPE = {"specialty": "", "skills": "", "employer": "", "notes": ""}
_CASE_WIPE = {"assessment": subjects.ANONYMOUS, "plan": ""}


def export(person_id: int) -> list[subjects.Section]:
    cell = subjects.cell
    profile = YoungPerson.objects.filter(person_id=person_id).first()
    sections = []
    if profile is not None:
        sections.append(
            subjects.Section(
                links=[(_("Youth profile"), reverse("youth:person", args=[profile.pk]))],
                title=_("Youth profile"),
                header=[_("Field"), _("Value")],
                rows=[
                    [str(YoungPerson._meta.get_field(f).verbose_name), cell(getattr(profile, f))]
                    for f in (
                        "primary",
                        "education",
                        "graduated_year",
                        "specialty",
                        "skills",
                        "employed",
                        "employer",
                        "in_education",
                        "notes",
                    )
                ],
            )
        )
    cases = Case.objects.filter(young_person__person_id=person_id).order_by("opened_at")
    sections.append(
        subjects.Section(
            _("Youth cases"),
            [_("opened"), _("status"), _("needs"), _("needs assessment"), _("plan"), _("closed")],
            [
                [
                    cell(c.opened_at),
                    c.get_status_display(),
                    ", ".join(c.needs or []),
                    c.assessment,
                    c.plan,
                    cell(c.closed_at),
                ]
                for c in cases
            ],
        )
    )
    notes = CaseNote.objects.filter(case__young_person__person_id=person_id).order_by("at")
    sections.append(
        subjects.Section(
            _("Case notes"), [_("when"), _("note")], [[cell(n.at), n.text] for n in notes]
        )
    )
    return sections


def keeps(person_id: int) -> list[str]:
    if Case.objects.filter(young_person__person_id=person_id, status=CaseStatus.OPEN).exists():
        return [_("an open youth case")]
    return []


def _wipe_cases(case_ids: list[int]) -> int:
    changed = Case.objects.filter(pk__in=case_ids).update(**_CASE_WIPE)
    Case.history.filter(id__in=case_ids).update(**_CASE_WIPE)
    changed += CaseNote.objects.filter(case_id__in=case_ids).update(text=subjects.ANONYMOUS)
    return changed


def anonymise(person_id: int) -> int:
    ids = list(YoungPerson.objects.filter(person_id=person_id).values_list("pk", flat=True))
    changed = YoungPerson.objects.filter(pk__in=ids).update(**_PROFILE_WIPE)
    YoungPerson.history.filter(id__in=ids).update(**_PROFILE_WIPE)
    case_ids = list(Case.objects.filter(young_person_id__in=ids).values_list("pk", flat=True))
    return changed + _wipe_cases(case_ids)


def retention(today: dt.date) -> int:
    """Cases closed longer ago than PERVICHKA_RETENTION_YOUTH_DAYS lose their texts; the
    young person is anonymised once no purpose of theirs remains."""
    limit = today - dt.timedelta(days=settings.PERVICHKA_RETENTION_YOUTH_DAYS)
    expired = Case.objects.filter(status=CaseStatus.CLOSED, closed_at__date__lt=limit).exclude(
        assessment=subjects.ANONYMOUS
    )
    persons = set(expired.values_list("young_person__person_id", flat=True))
    changed = _wipe_cases(list(expired.values_list("pk", flat=True)))
    for person_id in persons:
        if person_anonymise_if_unused(person_id):
            changed += 1
    return changed


def register() -> None:
    subjects.register("youth", export=export, keeps=keeps, anonymise=anonymise)
    subjects.register_retention("youth", retention)
