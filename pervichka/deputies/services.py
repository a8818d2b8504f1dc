"""Writes of the deputies' records (the district's administrators)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.deputies.models import Deputy
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.people.models import Person


@transaction.atomic
def deputy_register(
    *,
    actor,
    person: Person,
    unit: OrgUnit,
    council: str,
    term: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    constituency: str = "",
    faction: str = "AMANAT",
    role_in_faction: str = "",
) -> Deputy:
    if not has_perm_at(actor, Perm.ORGS_MANAGE, unit.path):
        raise Http404
    if unit.kind not in (OrgKind.DISTRICT, OrgKind.REGION):
        raise ValidationError({"unit": _("A council belongs to a district or a region.")})
    errors = {}
    if not council.strip():
        errors["council"] = _("Name the council, e.g. «Akzhar district maslikhat».")
    if not term.strip():
        errors["term"] = _("Give the term, e.g. «VIII convocation».")
    if term_end is not None and term_end < term_start:
        errors["term_end"] = _("A term cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    deputy = Deputy(
        person=person,
        unit=unit,
        council=council.strip(),
        term=term.strip(),
        term_start=term_start,
        term_end=term_end,
        constituency=constituency.strip(),
        faction=faction.strip() or "AMANAT",
        role_in_faction=role_in_faction.strip(),
    )
    try:
        with transaction.atomic():
            save_as(deputy, actor)
    except IntegrityError as exc:
        raise ValidationError(_("This person is already a deputy of that council's term.")) from exc
    return deputy


@transaction.atomic
def deputy_update(
    *,
    actor,
    deputy: Deputy,
    council: str,
    term: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    constituency: str = "",
    faction: str = "AMANAT",
    role_in_faction: str = "",
) -> Deputy:
    """Correct a deputy's record or close the term (the person and the council's territory
    stay: another council is another record)."""
    if not has_perm_at(actor, Perm.ORGS_MANAGE, deputy.unit.path):
        raise Http404
    errors = {}
    if not (council or "").strip():
        errors["council"] = _("Name the council, e.g. «Akzhar district maslikhat».")
    if not (term or "").strip():
        errors["term"] = _("Give the term, e.g. «VIII convocation».")
    if term_end is not None and term_start is not None and term_end < term_start:
        errors["term_end"] = _("A term cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    deputy.council = council.strip()
    deputy.term = term.strip()
    deputy.term_start = term_start
    deputy.term_end = term_end
    deputy.constituency = (constituency or "").strip()
    deputy.faction = (faction or "").strip() or "AMANAT"
    deputy.role_in_faction = (role_in_faction or "").strip()
    try:
        with transaction.atomic():
            save_as(deputy, actor)
    except IntegrityError as exc:
        raise ValidationError(_("This person is already a deputy of that council's term.")) from exc
    return deputy
