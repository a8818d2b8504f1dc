"""Appeals over the API: the scoped list and card, intake, transitions, and the two public
operations (submit with an idempotency key, track by code)."""

import datetime as dt
from typing import Literal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from ninja import Field, Header, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Base64Bytes

from pervichka.accounts.selectors import users_with_perm_in
from pervichka.appeals import selectors, services, throttle
from pervichka.appeals.enums import Channel, Outcome, Satisfaction
from pervichka.appeals.enums import Status as AppealStatus
from pervichka.appeals.models import Appeal
from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.ratelimit import client_ip
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, pii_checker
from pervichka.people.enums import ConsentMethod
from pervichka.people.services import PersonData

router = Router(tags=["appeals"])
public_router = Router(tags=["public"], auth=None)


class AppealOut(Schema):
    id: int
    number: str
    tracking_code: str
    district_id: int
    unit_id: int
    channel: Channel
    category_id: int
    category: str
    settlement_id: int | None
    status: AppealStatus
    received_at: dt.datetime
    due_date: dt.date
    original_due_date: dt.date
    is_overdue: bool
    assigned_person_id: int | None
    assigned_user_id: int | None
    outcome: Outcome | None
    answered_at: dt.datetime | None
    satisfaction: Satisfaction | None
    repeat_of_id: int | None
    personal_data_visible: bool
    person_id: int | None = Field(None, description="Only with the right to personal data.")
    text: str | None = Field(None, description="Only with the right to personal data.")
    answer_text: str | None = None


class CitizenIn(Schema):
    iin: str | None = Field(None, max_length=12)
    surname: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=100)
    patronymic: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    consent_method: ConsentMethod | None = None


class AppealIn(Schema):
    district_id: int
    channel: Literal["walk_in", "field", "phone", "social", "letter"]
    category_id: int
    settlement_id: int | None = None
    reception_office_id: int | None = None
    field_reception_id: int | None = None
    text: str = Field(..., min_length=1, max_length=20000)
    received_at: dt.datetime | None = None
    citizen: CitizenIn
    confirm_duplicate: bool = False


class TransitionIn(Schema):
    action: Literal[
        "assign",
        "start",
        "extend",
        "redirect",
        "answer",
        "return",
        "close",
        "reopen",
        "satisfaction",
    ]
    unit_id: int | None = None
    person_id: int | None = None
    user_id: int | None = None
    until: dt.date | None = None
    to: str | None = Field(None, max_length=255)
    text: str | None = Field(None, max_length=20000)
    outcome: Outcome | None = None
    publish: bool = True
    satisfaction: Satisfaction | None = None
    reason: str = Field("", max_length=5000)


class PhotoIn(Schema):
    name: str = Field(..., min_length=1, max_length=255, description="The file's name.")
    content_base64: Base64Bytes = Field(..., description="The file's content in base64.")


class PublicAppealIn(Schema):
    settlement_id: int
    category: str = Field(..., description="A category code: housing, utilities, roads, ...")
    text: str = Field(..., min_length=1, max_length=5000)
    surname: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=100)
    patronymic: str = Field("", max_length=100)
    iin: str | None = Field(None, max_length=12)
    phone: str = Field(..., min_length=5, max_length=20)
    email: str = Field("", max_length=254)
    consent: bool = Field(..., description="Consent to the processing of personal data.")
    language: Literal["ru", "kk", "en"] = "ru"
    photos: list[PhotoIn] = Field([], description="Up to 3 files: JPG, PNG or PDF.")
    website: str = Field("", max_length=255, description="Leave empty: a bot check.")


class PublicAppealOut(Schema):
    number: str
    tracking_code: str
    status: AppealStatus
    received_at: dt.datetime
    due_date: dt.date
    tracking_url: str


class PublicTrackOut(Schema):
    number: str
    status: AppealStatus
    category: str
    received_at: dt.datetime
    due_date: dt.date
    answered_at: dt.datetime | None
    outcome: Outcome | None
    answer: str | None
    redirected_to: str | None
    events: list[dict]


def _out(user):
    may_read = pii_checker(user, Perm.APPEALS_PII)

    def convert(appeal: Appeal) -> dict:
        pii = may_read(appeal.unit.path)
        return {
            "id": appeal.pk,
            "number": appeal.number,
            "tracking_code": appeal.tracking_code,
            "district_id": appeal.district_id,
            "unit_id": appeal.unit_id,
            "channel": appeal.channel,
            "category_id": appeal.category_id,
            "category": str(appeal.category),
            "settlement_id": appeal.settlement_id,
            "status": appeal.status,
            "received_at": appeal.received_at,
            "due_date": appeal.due_date,
            "original_due_date": appeal.original_due_date,
            "is_overdue": appeal.is_overdue,
            "assigned_person_id": appeal.assigned_person_id,
            "assigned_user_id": appeal.assigned_user_id,
            "outcome": appeal.outcome or None,
            "answered_at": appeal.answered_at,
            "satisfaction": appeal.satisfaction or None,
            "repeat_of_id": appeal.repeat_of_id,
            "personal_data_visible": pii,
            "person_id": appeal.person_id if pii else None,
            "text": appeal.text if pii else None,
            "answer_text": (appeal.answer_text or None) if pii else None,
        }

    return convert


@router.get("", response=list[AppealOut], summary="Appeals in the caller's scope")
@paginate(Pagination)
def list_appeals(
    request,
    queue: Literal["mine", "overdue", "due_soon", "week"] | None = None,
    q: str = "",
    status: AppealStatus | None = None,
    category_id: int | None = None,
    settlement_id: int | None = None,
    unit_id: int | None = None,
    channel: Channel | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
):
    user = actor(request)
    filters = selectors.AppealFilters(
        queue=queue or "",
        q=q,
        status=status or "",
        category_id=category_id,
        settlement_id=settlement_id,
        unit_id=unit_id,
        channel=channel or "",
        received_from=received_from,
        received_to=received_to,
    )
    return MappedPage(selectors.appeals_list(user, filters), _out(user))


@router.get("/{appeal_id}", response=AppealOut)
def get_appeal(request, appeal_id: int):
    user = actor(request)
    return _out(user)(selectors.appeal_get(user, appeal_id))


@router.post("", response={201: AppealOut}, summary="Register an appeal (operators)")
def create_appeal(request, payload: AppealIn):
    user = actor(request)
    district = get_or_404(selectors.districts_for(user), pk=payload.district_id)
    category = get_or_404(selectors.categories_for(district), pk=payload.category_id)
    settlement = (
        get_or_404(selectors.settlements_of(district), pk=payload.settlement_id)
        if payload.settlement_id
        else None
    )
    office = (
        get_or_404(selectors.offices_for(user), pk=payload.reception_office_id)
        if payload.reception_office_id
        else None
    )
    reception = (
        get_or_404(selectors.field_receptions_for(user), pk=payload.field_reception_id)
        if payload.field_reception_id
        else None
    )
    citizen = payload.citizen
    appeal = services.appeal_register(
        actor=user,
        district=district,
        data=PersonData(
            iin=citizen.iin,
            surname=citizen.surname,
            name=citizen.name,
            patronymic=citizen.patronymic,
            phone=citizen.phone,
            email=citizen.email,
            settlement=settlement,
            consent_method=citizen.consent_method or "",
        ),
        intake=services.Intake(
            channel=payload.channel,
            category=category,
            text=payload.text,
            settlement=settlement,
            reception_office=office,
            field_reception=reception,
            received_at=payload.received_at,
            contact_phone=citizen.phone,
            contact_email=citizen.email,
        ),
        confirm_duplicate=payload.confirm_duplicate,
    )
    return Status(201, _out(user)(selectors.appeal_get(user, appeal.pk)))


@router.post(
    "/{appeal_id}/transitions", response=AppealOut, summary="Move an appeal along its workflow"
)
def transition(request, appeal_id: int, payload: TransitionIn):
    user = actor(request)
    appeal = selectors.appeal_get(user, appeal_id, perm=Perm.APPEALS_MANAGE)
    # The same choices as the card's assign form: a unit, an official, a user of the district.
    unit = (
        get_or_404(selectors.units_for_assignment(user, appeal), pk=payload.unit_id)
        if payload.unit_id
        else None
    )
    person = (
        get_or_404(selectors.officials_in(appeal.district), pk=payload.person_id)
        if payload.person_id
        else None
    )
    assignee = (
        get_or_404(users_with_perm_in(Perm.APPEALS_MANAGE, appeal.district), pk=payload.user_id)
        if payload.user_id
        else None
    )
    services.appeal_act(
        actor=user,
        appeal=appeal,
        action=payload.action,
        data={
            "unit": unit,
            "person": person,
            "user": assignee,
            "until": payload.until,
            "to": payload.to,
            "text": payload.text,
            "outcome": payload.outcome,
            "publish": payload.publish,
            "satisfaction": payload.satisfaction,
            "reason": payload.reason,
        },
    )
    return _out(user)(selectors.appeal_get(user, appeal_id))


def _public_error(exc: throttle.Throttled) -> HttpError:
    return HttpError(429, exc.message)


@public_router.post(
    "/appeals",
    response={201: PublicAppealOut, 200: PublicAppealOut, 202: None},
    summary="A citizen submits an appeal (idempotent, rate-limited)",
)
def public_submit(
    request, payload: PublicAppealIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
):
    """Send the same `Idempotency-Key` when retrying: the first appeal is returned (200)
    instead of a second one being made (201 on the first success). The checks are the web
    form's: the hourly limit, consent, up to 3 photos or scans (JPG, PNG, PDF), and a
    filled `website` (a bot) is accepted with 202 and stores nothing."""
    settlement, existing = services.public_submission_read(
        settlement_id=payload.settlement_id, idempotency_key=idempotency_key
    )
    if settlement is None:
        raise Http404
    files = [
        SimpleUploadedFile(photo.name, bytes(photo.content_base64)) for photo in payload.photos
    ]
    try:
        submission = services.appeal_submit_public(
            data=services.PublicAppeal(
                settlement=settlement,
                category=payload.category,
                text=payload.text,
                person=PersonData(
                    iin=payload.iin,
                    surname=payload.surname,
                    name=payload.name,
                    patronymic=payload.patronymic,
                    phone=payload.phone,
                    email=payload.email,
                ),
                consent=payload.consent,
            ),
            files=files,
            client_ip=client_ip(request),
            idempotency_key=idempotency_key,
            honeypot=payload.website,
            language=payload.language,
            key_read=(existing,),
        )
    except throttle.Throttled as exc:
        raise _public_error(exc) from exc
    if submission.bot:
        return Status(202, None)
    appeal = submission.appeal
    body = {
        "number": appeal.number,
        "tracking_code": appeal.tracking_code,
        "status": appeal.status,
        "received_at": appeal.received_at,
        "due_date": appeal.due_date,
        "tracking_url": submission.tracking_url,
    }
    return Status(201 if submission.created else 200, body)


@public_router.get(
    "/appeals/{code}",
    response=PublicTrackOut,
    summary="Track an appeal by its code (no personal data)",
)
def public_track(request, code: str):
    try:
        appeal = services.appeal_track(code=code, client_ip=client_ip(request))
    except throttle.Throttled as exc:
        raise _public_error(exc) from exc
    if appeal is None:
        raise Http404
    published = appeal.answer_published and appeal.status in ("answered", "closed")
    return {
        "number": appeal.number,
        "status": appeal.status,
        "category": str(appeal.category),
        "received_at": appeal.received_at,
        "due_date": appeal.due_date,
        "answered_at": appeal.answered_at if published else None,
        "outcome": (appeal.outcome or None) if published else None,
        "answer": appeal.answer_text if published else None,
        "redirected_to": appeal.redirected_to or None,
        "events": [
            {"action": e.action, "at": e.at.isoformat()}
            for e in appeal.events.exclude(action="satisfaction")
        ],
    }
