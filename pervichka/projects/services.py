"""Writes of the projects app. Each function is one transaction, checks the actor's scope
(outside it is missing, as everywhere) and refuses bad input with a message for the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import validate_upload
from pervichka.dues import services as dues_services
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.orgs.selectors import district_of
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Person
from pervichka.people.selectors import consent_withdrawn
from pervichka.people.services import (
    PersonData,
    person_find_or_create,
    records_transfer_requests,
)
from pervichka.projects.enums import EventStatus, ParticipantRole, ProjectKind, ProjectKpi
from pervichka.projects.models import (
    Event,
    EventParticipant,
    EventPhoto,
    Participation,
    Project,
    ProjectTarget,
)

if TYPE_CHECKING:
    from pervichka.dues.models import SpendingRequest

# Kazakhstan's bounding box, a little wider: a point outside is a typo (swapped or lost digits).
LAT_RANGE = (40.0, 56.0)
LON_RANGE = (46.0, 88.0)
MAX_PHOTOS = 10
PHOTO_TYPES = (".jpg", ".jpeg", ".png")


def require(actor, perm: Perm, path: str) -> None:
    """The actor holds `perm` at the unit with this path; otherwise it is missing (404)."""
    if not has_perm_at(actor, perm, path):
        raise Http404


def primary_only(unit: OrgUnit | None) -> OrgUnit:
    """Project work is recorded for a primary organization."""
    if unit is None or unit.kind != OrgKind.PRIMARY:
        raise ValidationError({"primary": _("Choose a primary organization.")})
    return unit


def district_required(unit: OrgUnit) -> OrgUnit:
    """The district of a unit (orgs' one meaning), refused for a region or the party."""
    district = district_of(unit)
    if district is None:
        raise ValidationError(_("This organization is not inside a district."))
    return district


def check_coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither, as decimals, inside Kazakhstan."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationError({"latitude": _("Give both the latitude and the longitude.")})
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except InvalidOperation as exc:
        raise ValidationError(
            {"latitude": _("Coordinates are numbers, e.g. 54.21 and 69.37.")}
        ) from exc
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise ValidationError(
            {
                "latitude": _(
                    "These coordinates are outside Kazakhstan: check the numbers "
                    "(latitude about 40–56, longitude about 46–88)."
                )
            }
        )
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))


# --- catalog, participation, targets ------------------------------------------------------


@transaction.atomic
def participation_join(
    *, actor, project: Project, primary: OrgUnit, joined_on: dt.date | None = None
) -> Participation:
    """The primary takes part in the project (again, if it had left)."""
    primary = primary_only(primary)
    require(actor, Perm.PROJECTS_MANAGE, primary.path)
    if not project.is_active:
        raise ValidationError(_("This project is closed."))
    participation, created = Participation.objects.select_for_update().get_or_create(
        project=project,
        primary=primary,
        defaults={"joined_on": joined_on or timezone.localdate()},
    )
    if not created and participation.left_on is not None:
        participation.left_on = None
        participation.joined_on = joined_on or timezone.localdate()
        save_as(participation, actor)
    elif created:
        participation._history_user = actor
    return participation


@transaction.atomic
def participation_leave(
    *, actor, participation: Participation, left_on: dt.date | None = None
) -> Participation:
    """The primary stops taking part (its events and plantings stay in the record); recording
    an event under the project later joins it again."""
    require(actor, Perm.PROJECTS_MANAGE, participation.primary.path)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.left_on is not None:
        raise ValidationError(_("The primary does not take part in this project."))
    left_on = left_on or timezone.localdate()
    if left_on < participation.joined_on:
        raise ValidationError({"left_on": _("The primary cannot leave before it joined.")})
    participation.left_on = left_on
    save_as(participation, actor)
    return participation


@transaction.atomic
def target_set(
    *, actor, project: Project, unit: OrgUnit, year: int, kpi: str, target: Decimal
) -> ProjectTarget:
    require(actor, Perm.PROJECTS_ADMIN, unit.path)
    if kpi not in ProjectKpi.values:
        raise ValidationError({"kpi": _("Choose an indicator.")})
    if unit.kind not in (OrgKind.DISTRICT, OrgKind.PRIMARY, OrgKind.REGION):
        raise ValidationError({"unit": _("Targets are set for a region, a district or a primary.")})
    if target is None or Decimal(target) < 0:
        raise ValidationError({"target": _("A target cannot be negative.")})
    if kpi == ProjectKpi.TREE_SURVIVAL_RATE and Decimal(target) > 100:
        raise ValidationError({"target": _("A survival target is a percentage, at most 100.")})
    row, _created = ProjectTarget.objects.update_or_create(
        project=project, unit=unit, year=year, kpi=kpi, defaults={"target": target}
    )
    return row


# --- events --------------------------------------------------------------------------------


@dataclass
class EventData:
    title: str
    date: dt.date
    settlement: Settlement | None = None
    place: str = ""
    latitude: object = None
    longitude: object = None
    description: str = ""
    results: str = ""


def _apply_event(event: Event, data: EventData) -> None:
    if not (data.title or "").strip():
        raise ValidationError({"title": _("Give the event a title.")})
    if data.date is None:
        raise ValidationError({"date": _("Give the date of the event.")})
    district = district_required(event.primary)
    if data.settlement is not None and data.settlement.district_id != district.pk:
        raise ValidationError({"settlement": _("Choose a settlement of the primary's district.")})
    event.latitude, event.longitude = check_coordinates(data.latitude, data.longitude)
    event.title = data.title.strip()[:255]
    event.date = data.date
    event.settlement = data.settlement
    event.place = (data.place or "").strip()[:255]
    event.description = (data.description or "").strip()
    event.results = (data.results or "").strip()


@transaction.atomic
def event_create(*, actor, project: Project, primary: OrgUnit, data: EventData) -> Event:
    """A primary plans (or records) an event under a project; taking part in an event means
    the primary has joined the project."""
    primary = primary_only(primary)
    require(actor, Perm.PROJECTS_MANAGE, primary.path)
    if not project.is_active:
        raise ValidationError(_("This project is closed."))
    if project.kind == ProjectKind.CONTEST:
        raise ValidationError(_("The ideas contest has no events; ideas come from the portal."))
    event = Event(project=project, primary=primary, created_by=actor)
    _apply_event(event, data)
    if data.date <= timezone.localdate() and data.results:
        event.status = EventStatus.HELD
    save_as(event, actor)
    participation_join(actor=actor, project=project, primary=primary, joined_on=data.date)
    return event


@transaction.atomic
def event_update(*, actor, event: Event, data: EventData) -> Event:
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    event = Event.objects.select_for_update(of=("self",)).select_related("primary").get(pk=event.pk)
    _apply_event(event, data)
    if event.status == EventStatus.HELD and event.date > timezone.localdate():
        raise ValidationError({"date": _("A held event cannot be dated in the future.")})
    save_as(event, actor)
    return event


@transaction.atomic
def event_set_status(*, actor, event: Event, status: str, results: str = "") -> Event:
    """Mark an event held (with what came of it) or cancelled, or plan it again."""
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if status not in EventStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == EventStatus.HELD:
        if event.date > timezone.localdate():
            raise ValidationError(
                _("The event is dated %(date)s: it can be marked held on that day or later.")
                % {"date": event.date.strftime("%d.%m.%Y")}
            )
        if results.strip():
            event.results = results.strip()
    if status == EventStatus.CANCELLED and event.participants.filter(hours__gt=0).exists():
        raise ValidationError(
            _("Volunteers have hours recorded at this event: remove them before cancelling.")
        )
    event.status = status
    save_as(event, actor)
    return event


@records_transfer_requests
@transaction.atomic
def participant_add(
    *,
    actor,
    event: Event,
    role: str,
    hours: Decimal | int | float = 0,
    person: Person | None = None,
    data: PersonData | None = None,
) -> EventParticipant:
    """Add a known person (or register one with consent) to an event, with their hours."""
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    try:
        hours = Decimal(str(hours or 0)).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise ValidationError({"hours": _("Hours are a number, e.g. 3 or 2.5.")}) from exc
    if not Decimal(0) <= hours <= Decimal(24):
        raise ValidationError({"hours": _("Hours at one event are between 0 and 24.")})
    event = Event.objects.select_related("primary").get(pk=event.pk)
    if hours > 0 and event.status != EventStatus.HELD:
        raise ValidationError(
            {"hours": _("Hours are recorded once the event is held; now record 0.")}
        )
    if person is None:
        if data is None:
            raise ValidationError({"person": _("Choose a person or enter their details.")})
        if not has_perm_at(actor, Perm.PEOPLE_MANAGE, event.primary.path):
            raise Http404
        person = person_find_or_create(
            actor=actor,
            unit=event.primary,
            data=data,
            purpose=_("event participant"),
            consent_purpose=ConsentPurpose.EVENTS,
        )
    if consent_withdrawn(person.pk, ConsentPurpose.EVENTS):
        # The person withdrew their consent to take part in events: no new participation
        # is recorded until they give it again (on the form, with their details).
        raise ValidationError(
            {"person": _("This person has withdrawn their consent to take part in events.")}
        )
    participant, created = EventParticipant.objects.get_or_create(
        event=event, person=person, defaults={"role": role, "hours": hours}
    )
    if not created:
        participant.role, participant.hours = role, hours
        save_as(participant, actor)
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: EventParticipant) -> None:
    require(actor, Perm.PROJECTS_MANAGE, participant.event.primary.path)
    participant._history_user = actor
    participant.delete()


@transaction.atomic
def photo_add(*, actor, event: Event, upload, caption: str = "") -> EventPhoto:
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    name = (upload.name or "").lower()
    if not name.endswith(PHOTO_TYPES):
        raise ValidationError({"file": _("Photos are JPG or PNG files.")})
    validate_upload(upload)
    if event.photos.count() >= MAX_PHOTOS:
        raise ValidationError(
            {"file": _("An event keeps at most %(n)d photos.") % {"n": MAX_PHOTOS}}
        )
    photo = EventPhoto(event=event, caption=(caption or "").strip()[:255], uploaded_by=actor)
    photo.file.save(upload.name, upload, save=False)
    photo.save()
    return photo


@transaction.atomic
def event_link_spending(*, actor, event: Event, spending: SpendingRequest) -> Event:
    """The event's cost: a spending request of the same primary, asked or approved (dues
    checks the request and keeps the project on it; one request pays for one event)."""
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    event = Event.objects.select_for_update().select_related("project").get(pk=event.pk)
    spending = dues_services.spending_request_pay_for(
        actor=actor, request=spending, primary=event.primary, project_ref=event.project.code
    )
    other = Event.objects.filter(spending=spending).exclude(pk=event.pk).first()
    if other is not None:
        raise ValidationError(
            {"spending": _("This spending already pays for «%(event)s».") % {"event": other.title}}
        )
    event.spending = spending
    save_as(event, actor)
    return event


@transaction.atomic
def event_request_funds(*, actor, event: Event, amount: Decimal, purpose: str) -> Event:
    """Ask the district to pay for this event from the primary's fund, and link the request."""
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    if event.spending_id is not None:
        raise ValidationError(_("This event already has a spending request."))
    request = dues_services.spending_request(
        actor=actor,
        primary=event.primary,
        amount=amount,
        purpose=purpose or event.title,
        project_ref=event.project.code,
    )
    return event_link_spending(actor=actor, event=event, spending=request)


@transaction.atomic
def event_unlink_spending(*, actor, event: Event) -> Event:
    require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    event.spending = None
    save_as(event, actor)
    return event
