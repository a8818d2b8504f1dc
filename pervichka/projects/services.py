"""Writes of the projects app. Each function is one transaction, checks the actor's scope
(outside it is missing, as everywhere) and refuses bad input with a message for the user."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pervichka.core.history import save_as
from pervichka.core.phones import normalize_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import validate_upload
from pervichka.dues.enums import SpendingStatus
from pervichka.dues.models import SpendingRequest
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.people.models import Person
from pervichka.people.services import PersonData, person_for_citizen
from pervichka.projects.enums import (
    IDEA_FLOW,
    EventStatus,
    IdeaStatus,
    ParticipantRole,
    ProjectKind,
    ProjectKpi,
    SiteKind,
)
from pervichka.projects.models import (
    Contest,
    Event,
    EventParticipant,
    EventPhoto,
    Idea,
    JuryCriterion,
    JuryScore,
    Participation,
    Planting,
    Project,
    ProjectTarget,
    SurvivalCheck,
    Vote,
    VoteChallenge,
)

# Kazakhstan's bounding box, a little wider: a point outside is a typo (swapped or lost digits).
LAT_RANGE = (40.0, 56.0)
LON_RANGE = (46.0, 88.0)
MAX_PHOTOS = 10
PHOTO_TYPES = (".jpg", ".jpeg", ".png")
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VOTE_CODE_TTL = dt.timedelta(minutes=10)
VOTE_CODE_ATTEMPTS = 5
VOTE_CODES_PER_PHONE_PER_HOUR = 3
DEFAULT_CRITERIA = [
    # ru, kk, en, weight
    ("Новизна", "Жаңалығы", "Novelty", Decimal("0.3")),
    ("Польза для жителей", "Тұрғындарға пайдасы", "Benefit to residents", Decimal("0.4")),
    ("Реализуемость", "Жүзеге асырылуы", "Feasibility", Decimal("0.3")),
]


def _require(actor, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


def _primary(unit: OrgUnit | None) -> OrgUnit:
    if unit is None or unit.kind != OrgKind.PRIMARY:
        raise ValidationError({"primary": _("Choose a primary organization.")})
    return unit


def district_of(unit: OrgUnit) -> OrgUnit:
    """The district above a unit: one of the prefixes of its tree path."""
    if unit.kind == OrgKind.DISTRICT:
        return unit
    step = OrgUnit.steplen
    prefixes = [unit.path[:i] for i in range(step, len(unit.path), step)]
    district = OrgUnit.objects.filter(kind=OrgKind.DISTRICT, path__in=prefixes).first()
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
    primary = _primary(primary)
    _require(actor, Perm.PROJECTS_MANAGE, primary.path)
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
    _require(actor, Perm.PROJECTS_MANAGE, participation.primary.path)
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
    _require(actor, Perm.PROJECTS_ADMIN, unit.path)
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
    district = district_of(event.primary)
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
    primary = _primary(primary)
    _require(actor, Perm.PROJECTS_MANAGE, primary.path)
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
    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    event = Event.objects.select_for_update(of=("self",)).select_related("primary").get(pk=event.pk)
    _apply_event(event, data)
    if event.status == EventStatus.HELD and event.date > timezone.localdate():
        raise ValidationError({"date": _("A held event cannot be dated in the future.")})
    save_as(event, actor)
    return event


@transaction.atomic
def event_set_status(*, actor, event: Event, status: str, results: str = "") -> Event:
    """Mark an event held (with what came of it) or cancelled, or plan it again."""
    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
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
    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
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
        person = person_for_citizen(actor=actor, district=event.primary, data=data, public=False)
    participant, created = EventParticipant.objects.get_or_create(
        event=event, person=person, defaults={"role": role, "hours": hours}
    )
    if not created:
        participant.role, participant.hours = role, hours
        save_as(participant, actor)
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: EventParticipant) -> None:
    _require(actor, Perm.PROJECTS_MANAGE, participant.event.primary.path)
    participant._history_user = actor
    participant.delete()


@transaction.atomic
def photo_add(*, actor, event: Event, upload, caption: str = "") -> EventPhoto:
    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
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
    """The event's cost: a spending request of the same primary, asked or approved."""
    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    _require(actor, Perm.DUES_VIEW, spending.primary.path)
    event = Event.objects.select_for_update().get(pk=event.pk)
    spending = SpendingRequest.objects.select_for_update().get(pk=spending.pk)
    if spending.primary_id != event.primary_id:
        raise ValidationError(
            {"spending": _("The spending must come from the fund of the event's primary.")}
        )
    if spending.status not in (SpendingStatus.REQUESTED, SpendingStatus.APPROVED):
        raise ValidationError(
            {"spending": _("A refused or withdrawn request cannot pay for an event.")}
        )
    other = Event.objects.filter(spending=spending).exclude(pk=event.pk).first()
    if other is not None:
        raise ValidationError(
            {"spending": _("This spending already pays for «%(event)s».") % {"event": other.title}}
        )
    event.spending = spending
    save_as(event, actor)
    if not spending.project_ref:
        spending.project_ref = event.project.code
        spending.save(update_fields=["project_ref"])
    return event


@transaction.atomic
def event_request_funds(*, actor, event: Event, amount: Decimal, purpose: str) -> Event:
    """Ask the district to pay for this event from the primary's fund, and link the request."""
    from pervichka.dues import services as dues_services

    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
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
    _require(actor, Perm.PROJECTS_MANAGE, event.primary.path)
    event.spending = None
    save_as(event, actor)
    return event


# --- ТазаLike ------------------------------------------------------------------------------


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
    primary = _primary(primary)
    _require(actor, Perm.PROJECTS_MANAGE, primary.path)
    if project.kind != ProjectKind.GREENING:
        raise ValidationError(_("Plantings are recorded under a greening project (ТазаLike)."))
    errors: dict[str, str] = {}
    if data.planted_on is None or data.planted_on > timezone.localdate():
        errors["planted_on"] = _("A planting is recorded on the day it was done, not before.")
    if data.settlement is None or data.settlement.district_id != district_of(primary).pk:
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
    lat, lon = check_coordinates(data.latitude, data.longitude)
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
    participation_join(actor=actor, project=project, primary=primary, joined_on=data.planted_on)
    return planting


@transaction.atomic
def survival_check_add(
    *, actor, planting: Planting, checked_on: dt.date, alive: int, note: str = ""
) -> SurvivalCheck:
    """How many are alive on a day; the latest check is the planting's survival."""
    _require(actor, Perm.PROJECTS_MANAGE, planting.primary.path)
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


# --- the ideas contest ---------------------------------------------------------------------


def contest_for(district: OrgUnit, year: int) -> Contest:
    """The district's contest of the year, created with the default rules when first needed."""
    from pervichka.projects.enums import IDEAS30

    contest = Contest.objects.filter(district=district, year=year).first()
    if contest is not None:
        return contest
    project = Project.objects.get(code=IDEAS30)
    try:
        with transaction.atomic():
            contest = Contest.objects.create(
                project=project,
                district=district,
                year=year,
                submit_until=dt.date(year, 12, 31),
                vote_until=dt.date(year, 12, 31),
            )
            for ru, kk, en, weight in DEFAULT_CRITERIA:
                JuryCriterion.objects.create(
                    contest=contest, name=ru, name_kk=kk, name_en=en, weight=weight
                )
    except IntegrityError:
        contest = Contest.objects.get(district=district, year=year)
    return contest


def new_idea_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def _unit_for_settlement(settlement: Settlement) -> OrgUnit:
    primary = (
        OrgUnit.objects.filter(
            kind=OrgKind.PRIMARY,
            settlement=settlement,
            is_active=True,
            path__startswith=settlement.district.path,
        )
        .order_by("path")
        .first()
    )
    return primary or settlement.district


def idea_submit_public(
    *,
    settlement: Settlement,
    data: PersonData,
    title: str,
    text: str,
    idempotency_key: str,
    today: dt.date | None = None,
) -> tuple[Idea, bool]:
    """A citizen's idea from the portal: exactly one per idempotency key, like appeals."""
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    existing = Idea.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    errors: dict[str, str] = {}
    if not 5 <= len((title or "").strip()) <= 200:
        errors["title"] = _("Give the idea a title of 5 to 200 characters.")
    if len((text or "").strip()) < 30:
        errors["text"] = _("Describe the idea in at least 30 characters.")
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    district = settlement.district
    contest = contest_for(district, today.year)
    if today > contest.submit_until:
        raise ValidationError(
            _("Ideas for the %(year)d contest were accepted until %(date)s.")
            % {"year": contest.year, "date": contest.submit_until.strftime("%d.%m.%Y")}
        )
    try:
        with transaction.atomic():
            person = person_for_citizen(actor=None, district=district, data=data, public=True)
            idea = Idea.objects.create(
                contest=contest,
                unit=_unit_for_settlement(settlement),
                settlement=settlement,
                title=title.strip(),
                text=text.strip(),
                author=person,
                code=new_idea_code(),
                idempotency_key=key,
                language=(translation.get_language() or "ru")[:2],
            )
    except IntegrityError:
        existing = Idea.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    return idea, True


@transaction.atomic
def idea_moderate(
    *, actor, idea: Idea, to: str, reason: str = "", merge_into: Idea | None = None
) -> Idea:
    _require(actor, Perm.PROJECTS_ADMIN, idea.contest.district.path)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if to not in IdeaStatus.values or to not in IDEA_FLOW[IdeaStatus(idea.status)]:
        raise ValidationError(
            _("An idea that is «%(status)s» cannot become «%(to)s».")
            % {
                "status": idea.get_status_display(),
                "to": IdeaStatus(to).label if to in IdeaStatus.values else to,
            }
        )
    reason = (reason or "").strip()
    if to == IdeaStatus.REJECTED and not reason:
        raise ValidationError({"reason": _("Tell the author why the idea is rejected.")})
    if to == IdeaStatus.MERGED:
        if merge_into is not None:
            merge_into = Idea.objects.filter(pk=merge_into.pk).first()
        if (
            merge_into is None
            or merge_into.pk == idea.pk
            or merge_into.contest_id != idea.contest_id
            or merge_into.status != IdeaStatus.PUBLISHED
        ):
            raise ValidationError(
                {"merge_into": _("Choose another published idea of the same contest.")}
            )
        idea.merged_into = merge_into
    idea.status = to
    idea.status_reason = reason
    idea.moderated_by, idea.moderated_at = actor, timezone.now()
    save_as(idea, actor)
    _tell_author(idea)
    return idea


def _tell_author(idea: Idea) -> None:
    """An SMS to the author after the decision (sent after commit, retried by the outbox)."""
    from django.urls import reverse

    from pervichka.core.services import notification_queue

    link = settings.SITE_URL.rstrip("/") + reverse("public:idea", args=[idea.code])
    texts = {
        IdeaStatus.PUBLISHED: gettext_lazy("Your idea «%(title)s» is published; vote here: "),
        IdeaStatus.REJECTED: gettext_lazy("Your idea «%(title)s» was not accepted; see why: "),
        IdeaStatus.MERGED: gettext_lazy("Your idea «%(title)s» was merged with a similar one: "),
    }
    if idea.status not in texts:
        return
    with translation.override(idea.language):
        body = str(texts[IdeaStatus(idea.status)]) % {"title": idea.title[:60]} + link
    notification_queue(
        channel="sms",
        to=idea.author.phone,
        body=body,
        kind="idea_status",
        ref=f"idea:{idea.pk}",
        dedupe_key=f"idea:{idea.pk}:{idea.status}:{idea.moderated_at:%Y%m%d%H%M%S}",
    )


@transaction.atomic
def jury_score(*, actor, idea: Idea, scores: dict[int, int]) -> list[JuryScore]:
    """A juror's scores of one published idea on the contest's criteria (re-scoring replaces)."""
    _require(actor, Perm.IDEAS_JURY, idea.contest.district.path)
    if idea.status != IdeaStatus.PUBLISHED:
        raise ValidationError(_("The jury scores published ideas only."))
    criteria = {c.pk: c for c in idea.contest.criteria.all()}
    if set(scores) != set(criteria):
        raise ValidationError(_("Score the idea on every criterion."))
    result = []
    for criterion_id, score in scores.items():
        criterion = criteria[criterion_id]
        if score is None or not 0 <= int(score) <= criterion.max_score:
            raise ValidationError(
                _("A score on «%(criterion)s» is from 0 to %(max)d.")
                % {"criterion": criterion, "max": criterion.max_score}
            )
        row, _created = JuryScore.objects.update_or_create(
            idea=idea, criterion=criterion, juror=actor, defaults={"score": int(score)}
        )
        result.append(row)
    return result


def voter_key(phone: str) -> str:
    """A keyed hash of the phone number: the same person always gives the same key."""
    secret = (getattr(settings, "PERVICHKA_VOTE_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(secret, f"vote:{phone}".encode(), hashlib.sha256).hexdigest()


def _code_hash(token: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{token}:{code}".encode(), "sha256").hexdigest()


def voting_open(idea: Idea, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return idea.status == IdeaStatus.PUBLISHED and today <= idea.contest.vote_until


def vote_request_code(*, idea: Idea, phone: str) -> VoteChallenge:
    """Send a one-time code to the phone; the vote counts when the code comes back."""
    from pervichka.core.notify import send_sms
    from pervichka.core.ratelimit import hit

    if not voting_open(idea):
        raise ValidationError(_("Voting for this idea is closed."))
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if not phone:
        raise ValidationError({"phone": _("Enter your mobile number.")})
    voter = voter_key(phone)
    if Vote.objects.filter(idea=idea, voter=voter).exists():
        raise ValidationError({"phone": _("A vote from this phone number is already counted.")})
    if not hit("vote-code-phone", voter, limit=VOTE_CODES_PER_PHONE_PER_HOUR, window_seconds=3600):
        raise ValidationError(
            {"phone": _("Too many codes were sent to this number. Try again in an hour.")}
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    token = secrets.token_urlsafe(24)
    challenge = VoteChallenge.objects.create(
        idea=idea,
        voter=voter,
        code_hash=_code_hash(token, code),
        token=token,
        expires_at=timezone.now() + VOTE_CODE_TTL,
    )
    try:
        # Sent at once, not through the outbox: a code is useless an hour late, and the
        # outbox would keep it in clear text.
        send_sms(
            phone,
            _("Code %(code)s: your vote for the idea «%(title)s». Valid 10 minutes.")
            % {"code": code, "title": idea.title[:60]},
        )
    except Exception as exc:  # the gateway is outside; say so plainly
        challenge.delete()
        raise ValidationError(
            _("The SMS could not be sent just now. Please try again in a few minutes.")
        ) from exc
    return challenge


def vote_confirm(*, token: str, code: str) -> Vote:
    """Count the vote when the code is right; a second vote from the same phone is refused."""
    with transaction.atomic():
        challenge = (
            VoteChallenge.objects.select_for_update()
            .select_related("idea__contest")
            .filter(token=token or "")
            .first()
        )
        if challenge is None or challenge.confirmed_at is not None:
            raise ValidationError(_("This code request is not valid any more. Ask for a new code."))
        if timezone.now() > challenge.expires_at:
            raise ValidationError(_("The code has expired. Ask for a new one."))
        if challenge.attempts >= VOTE_CODE_ATTEMPTS:
            raise ValidationError(_("Too many wrong codes. Ask for a new one."))
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
        right = hmac.compare_digest(
            challenge.code_hash, _code_hash(challenge.token, (code or "").strip())
        )
    if not right:
        raise ValidationError({"code": _("The code is not right. Check the SMS and try again.")})
    idea = challenge.idea
    if not voting_open(idea):
        raise ValidationError(_("Voting for this idea is closed."))
    try:
        with transaction.atomic():
            vote = Vote.objects.create(idea=idea, voter=challenge.voter)
            Idea.objects.filter(pk=idea.pk).update(votes_count=F("votes_count") + 1)
            VoteChallenge.objects.filter(pk=challenge.pk).update(confirmed_at=timezone.now())
    except IntegrityError as exc:
        raise ValidationError(_("A vote from this phone number is already counted.")) from exc
    return vote
