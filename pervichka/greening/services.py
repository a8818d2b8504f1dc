"""Writes of ТазаLike: plantings and their survival checks. Each function is one
transaction, checks the actor's scope (outside it is missing, as everywhere) and refuses
bad input with a message for the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.greening.enums import SiteKind
from pervichka.greening.models import Planting, SurvivalCheck
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.projects import services as projects_services
from pervichka.projects.enums import ProjectKind
from pervichka.projects.models import Event, Project


@dataclass
class PlantingData:
    planted_on: dt.date
    settlement: Settlement
    species: str
    count: int
    site_kind: str
    planted_by: str
    latitude: object = None
    longitude: object = None
    event: Event | None = None


@transaction.atomic
def planting_create(*, actor, project: Project, primary: OrgUnit, data: PlantingData) -> Planting:
    """A primary records a planting under the greening project (perhaps at one of its events);
    recording one means the primary takes part in the project."""
    primary = projects_services.primary_only(primary)
    projects_services.require(actor, Perm.PROJECTS_MANAGE, primary.path)
    if project.kind != ProjectKind.GREENING:
        raise ValidationError(_("Plantings are recorded under a greening project (ТазаLike)."))
    errors: dict[str, str] = {}
    if data.planted_on is None or data.planted_on > timezone.localdate():
        errors["planted_on"] = _("A planting is recorded on the day it was done, not before.")
    if (
        data.settlement is None
        or data.settlement.district_id != projects_services.district_required(primary).pk
    ):
        errors["settlement"] = _("Choose a settlement of the primary's district.")
    if not (data.species or "").strip():
        errors["species"] = _("Say what was planted (e.g. birch, elm, lilac).")
    if not data.count or int(data.count) < 1:
        errors["count"] = _("Plant at least one tree or shrub.")
    elif int(data.count) > 100000:
        errors["count"] = _("Record at most 100,000 in one planting; split larger ones.")
    if data.site_kind not in SiteKind.values:
        errors["site_kind"] = _("Choose the kind of site.")
    if not (data.planted_by or "").strip():
        errors["planted_by"] = _("Say who planted (e.g. the primary's volunteers, school No. 2).")
    if data.event is not None and data.event.primary_id != primary.pk:
        errors["event"] = _("Choose an event of the same primary.")
    if errors:
        raise ValidationError(errors)
    lat, lon = projects_services.check_coordinates(data.latitude, data.longitude)
    planting = Planting(
        project=project,
        primary=primary,
        event=data.event,
        planted_on=data.planted_on,
        settlement=data.settlement,
        species=data.species.strip()[:120],
        count=int(data.count),
        site_kind=data.site_kind,
        latitude=lat,
        longitude=lon,
        planted_by=data.planted_by.strip()[:255],
        created_by=actor,
    )
    save_as(planting, actor)
    projects_services.participation_join(
        actor=actor, project=project, primary=primary, joined_on=data.planted_on
    )
    return planting


@transaction.atomic
def survival_check_add(
    *, actor, planting: Planting, checked_on: dt.date, alive: int, note: str = ""
) -> SurvivalCheck:
    """How many are alive on a day; the latest check is the planting's survival."""
    projects_services.require(actor, Perm.PROJECTS_MANAGE, planting.primary.path)
    errors: dict[str, str] = {}
    if alive is None or int(alive) < 0:
        errors["alive"] = _("Count the living trees: zero or more.")
    elif int(alive) > planting.count:
        errors["alive"] = _("%(n)d were planted: no more can be alive.") % {"n": planting.count}
    if checked_on is None or checked_on < planting.planted_on:
        errors["checked_on"] = _("A check comes after the planting (%(date)s).") % {
            "date": planting.planted_on.strftime("%d.%m.%Y")
        }
    elif checked_on > timezone.localdate():
        errors["checked_on"] = _("A check cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    return SurvivalCheck.objects.create(
        planting=planting,
        checked_on=checked_on,
        alive=int(alive),
        note=(note or "").strip()[:255],
        checked_by=actor,
    )


def survival_rate(count: int, alive: int | None) -> float | None:
    """The share alive at the latest check; None when nobody checked yet."""
    if alive is None or not count:
        return None
    return alive / count
