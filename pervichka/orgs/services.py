"""Writes to the org tree. Each function is one transaction and takes the acting user."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.orgs.enums import CHILD_KIND, OrgKind, PositionKind
from pervichka.orgs.models import OrgUnit, Position, Settlement


def _require(actor, perm: Perm, unit: OrgUnit) -> None:
    if not has_perm_at(actor, perm, unit.path):
        raise Http404


@transaction.atomic
def org_unit_create_root(
    *, name: str, name_kk: str = "", name_en: str = "", code: str = ""
) -> OrgUnit:
    """The party itself: the root of the tree. Only setup code (seed, shell) calls this."""
    root = OrgUnit(kind=OrgKind.PARTY, name=name, name_kk=name_kk, name_en=name_en, code=code)
    root.full_clean(exclude=["path", "depth", "numchild"])
    return OrgUnit.objects.add_root(instance=root)


@transaction.atomic
def org_unit_create(
    *,
    actor,
    parent: OrgUnit,
    name: str,
    name_kk: str = "",
    name_en: str = "",
    kato: str = "",
    code: str = "",
    settlement: Settlement | None = None,
    address: str = "",
) -> OrgUnit:
    """Add a unit under `parent`; its kind is the next level down (region, district, primary)."""
    _require(actor, Perm.ORGS_MANAGE, parent)
    kind = CHILD_KIND.get(parent.kind)
    if kind is None:
        raise ValidationError(_("A primary organization cannot have units under it."))
    unit = OrgUnit(
        kind=kind,
        name=name.strip(),
        name_kk=name_kk.strip(),
        name_en=name_en.strip(),
        kato=kato.strip(),
        code=code.strip().upper(),
        settlement=settlement,
        address=address,
    )
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit._history_user = actor
    # treebeard's manager locks the parent row, so two units added at once under one parent
    # cannot be given the same path.
    return OrgUnit.objects.add_child(parent, instance=unit)


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, **fields: object) -> OrgUnit:
    """Rename or re-describe a unit. Its place in the tree and its kind do not change here."""
    _require(actor, Perm.ORGS_MANAGE, unit)
    allowed = {"name", "name_kk", "name_en", "kato", "code", "settlement", "address", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in fields.items():
        setattr(unit, field, value)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    save_as(unit, actor)
    return unit


@transaction.atomic
def position_assign(
    *, actor, org_unit: OrgUnit, person, kind: str, start: dt.date, note: str = ""
) -> Position:
    """Give `person` an office in `org_unit` from `start`. A unit has one current chair."""
    _require(actor, Perm.ORGS_MANAGE, org_unit)
    if (
        kind == PositionKind.CHAIR
        and org_unit.positions.filter(kind=PositionKind.CHAIR, end__isnull=True).exists()
    ):
        raise ValidationError(
            {"kind": _("This organization already has a current chair: end that term first.")}
        )
    position = Position(org_unit=org_unit, person=person, kind=kind, start=start, note=note)
    position.full_clean()
    try:
        with transaction.atomic():
            save_as(position, actor)
    except IntegrityError as exc:
        # Two administrators assigning a chair at the same moment: the database decides.
        raise ValidationError(
            {"kind": _("This organization already has a current chair: end that term first.")}
        ) from exc
    return position


@transaction.atomic
def position_end(*, actor, position: Position, end: dt.date) -> Position:
    """Close a term of office; the position stays in the record."""
    _require(actor, Perm.ORGS_MANAGE, position.org_unit)
    if position.end is not None:
        raise ValidationError(_("This term has already ended."))
    if end < position.start:
        raise ValidationError({"end": _("A position cannot end before it starts.")})
    position.end = end
    save_as(position, actor)
    return position


@transaction.atomic
def settlement_create(
    *,
    actor,
    district: OrgUnit,
    kato: str,
    name: str,
    name_kk: str = "",
    kind: str = "village",
    rural_district: str = "",
) -> Settlement:
    _require(actor, Perm.ORGS_MANAGE, district)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError(_("Settlements belong to a district."))
    settlement = Settlement(
        district=district,
        kato=kato,
        name=name,
        name_kk=name_kk,
        kind=kind,
        rural_district=rural_district,
    )
    settlement.full_clean()
    settlement.save()
    return settlement
