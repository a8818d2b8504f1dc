"""Persons and memberships over the API, scoped like the registry pages."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.dates import MembershipDate
from pervichka.core.iin import mask_iin
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, pii_checker
from pervichka.orgs.selectors import org_unit_get, settlements_for
from pervichka.people import selectors, services
from pervichka.people.access import pii_view_record
from pervichka.people.enums import (
    ConsentChannel,
    ConsentMethod,
    ConsentPurpose,
    DuesCategory,
    LeaveReason,
    MembershipStatus,
    Sex,
)
from pervichka.people.models import Membership, Person

persons_router = Router(tags=["persons"])
memberships_router = Router(tags=["memberships"])


class PersonOut(Schema):
    id: int
    iin: str | None = Field(
        None, description="Masked (last 4 digits) without the right to see personal data."
    )
    surname: str
    name: str
    patronymic: str
    birth_date: dt.date | None
    sex: Sex | None
    phone: str
    email: str
    settlement_id: int | None
    address: str
    unit_id: int
    consent_at: dt.datetime | None
    consent_method: ConsentMethod | None
    personal_data_visible: bool


class PersonIn(Schema):
    iin: str | None = Field(None, max_length=12)
    surname: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=100)
    patronymic: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    settlement_id: int | None = None
    address: str = Field("", max_length=255)
    consent_method: ConsentMethod | None = None


class PersonCreate(PersonIn):
    unit_id: int


class PersonPatch(Schema):
    iin: str | None = Field(None, max_length=12)
    surname: str | None = Field(None, min_length=1, max_length=100)
    name: str | None = Field(None, min_length=1, max_length=100)
    patronymic: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    settlement_id: int | None = None
    address: str | None = Field(None, max_length=255)
    consent_method: ConsentMethod | None = None


class MembershipOut(Schema):
    id: int
    person_id: int
    person_name: str
    primary_id: int
    joined: dt.date
    left: dt.date | None
    leave_reason: LeaveReason | None
    status: MembershipStatus
    card_number: str | None
    dues_category: DuesCategory


class MembershipCreate(Schema):
    primary_id: int
    joined: MembershipDate
    card_number: str = Field("", max_length=20)
    dues_category: DuesCategory = DuesCategory.WORKING
    person: PersonIn


class MembershipPatch(Schema):
    primary_id: int | None = None
    joined: MembershipDate | None = None
    card_number: str | None = Field(None, max_length=20)
    status: MembershipStatus | None = None
    dues_category: DuesCategory | None = None


class ArchiveIn(Schema):
    left: MembershipDate
    reason: LeaveReason


class _PiiView:
    """Decides per row whether personal data is shown, with one scope lookup per request."""

    def __init__(self, user):
        self.user = user
        self.may_read = pii_checker(user, Perm.PEOPLE_PII)

    def allows(self, person: Person) -> bool:
        return self.may_read(person.unit.path)

    def out(self, person: Person) -> dict:
        pii = self.allows(person)
        if pii and (person.iin or person.phone):
            pii_view_record(actor=self.user, person=person, what="API: person")
        return {
            "id": person.pk,
            "iin": person.iin if pii else (mask_iin(person.iin) or None),
            "surname": person.surname,
            "name": person.name,
            "patronymic": person.patronymic,
            "birth_date": person.birth_date if pii else None,
            "sex": person.sex or None,
            "phone": person.phone if pii else "",
            "email": person.email if pii else "",
            "settlement_id": person.settlement_id,
            "address": person.address if pii else "",
            "unit_id": person.unit_id,
            "consent_at": person.consent_at,
            "consent_method": person.consent_method or None,
            "personal_data_visible": pii,
        }


def _settlement(user, settlement_id):
    if settlement_id is None:
        return None
    return get_or_404(settlements_for(user), pk=settlement_id)


def _person_data(user, payload: PersonIn, base: Person | None = None) -> services.PersonData:
    values = payload.dict(exclude_unset=True) if base is not None else payload.dict()

    def pick(name, default=""):
        if name in values and values[name] is not None:
            return values[name]
        return getattr(base, name) if base is not None else default

    settlement = (
        _settlement(user, values.get("settlement_id"))
        if "settlement_id" in values
        else (base.settlement if base else None)
    )
    return services.PersonData(
        iin=pick("iin", None),
        surname=pick("surname"),
        name=pick("name"),
        patronymic=pick("patronymic"),
        phone=pick("phone"),
        email=pick("email"),
        settlement=settlement,
        address=pick("address"),
        consent_method=values.get("consent_method") or "",
    )


@persons_router.get("", response=list[PersonOut], summary="Persons in the caller's scope")
@paginate(Pagination)
def list_persons(request, q: str = "", iin: str = ""):
    user = actor(request)
    queryset = selectors.persons_visible(user)
    if iin:
        try:
            queryset = selectors.persons_with_iin(user, iin)
        except PermissionError:
            raise HttpError(
                400, _("You may not search by IIN: IINs are masked for your role.")
            ) from None
    queryset = queryset.select_related("unit").order_by("search_name", "pk")
    for word in q.lower().split():
        queryset = queryset.filter(search_name__contains=word)
    return MappedPage(queryset, _PiiView(user).out)


@persons_router.get("/{person_id}", response=PersonOut)
def get_person(request, person_id: int):
    user = actor(request)
    return _PiiView(user).out(selectors.person_get(user, person_id))


class ConsentOut(Schema):
    id: int
    purpose: ConsentPurpose
    channel: ConsentChannel
    given_at: dt.datetime
    document_ref: str
    has_document: bool
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str


@persons_router.get(
    "/{person_id}/consents",
    response=list[ConsentOut],
    summary="A person's consents to the processing of personal data, every purpose",
)
def list_person_consents(request, person_id: int):
    user = actor(request)
    person = selectors.person_get(user, person_id)
    return [
        {
            "id": c.pk,
            "purpose": c.purpose,
            "channel": c.channel,
            "given_at": c.given_at,
            "document_ref": c.document_ref,
            "has_document": bool(c.document),
            "withdrawn_at": c.withdrawn_at,
            "withdrawal_reason": c.withdrawal_reason,
        }
        for c in selectors.consents_of(user, person)
    ]


@persons_router.post("", response={201: PersonOut}, summary="Register a person in an org unit")
def create_person(request, payload: PersonCreate):
    user = actor(request)
    unit = org_unit_get(user, payload.unit_id, perm=Perm.PEOPLE_MANAGE)
    person = services.person_create(actor=user, unit=unit, data=_person_data(user, payload))
    return Status(201, _PiiView(user).out(selectors.person_get(user, person.pk)))


@persons_router.patch("/{person_id}", response=PersonOut)
def update_person(request, person_id: int, payload: PersonPatch):
    user = actor(request)
    person = selectors.person_get(user, person_id, perm=Perm.PEOPLE_MANAGE)
    services.person_update(actor=user, person=person, data=_person_data(user, payload, person))
    return _PiiView(user).out(selectors.person_get(user, person.pk))


def _membership_out(m: Membership) -> dict:
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "person_name": m.person.full_name,
        "primary_id": m.primary_id,
        "joined": m.joined,
        "left": m.left,
        "leave_reason": m.leave_reason or None,
        "status": m.status,
        "card_number": m.card_number,
        "dues_category": m.dues_category,
    }


@memberships_router.get("", response=list[MembershipOut], summary="Memberships in scope")
@paginate(Pagination)
def list_memberships(
    request, primary_id: int | None = None, status: MembershipStatus | None = None, q: str = ""
):
    filters = selectors.MemberFilters(q=q, primary_id=primary_id, status=status or "")
    return MappedPage(selectors.members_list(actor(request), filters), _membership_out)


@memberships_router.get("/{membership_id}", response=MembershipOut)
def get_membership(request, membership_id: int):
    return _membership_out(selectors.membership_get(actor(request), membership_id))


@memberships_router.post(
    "",
    response={201: MembershipOut},
    summary="Register a member (an existing person is found by IIN)",
)
def create_membership(request, payload: MembershipCreate):
    user = actor(request)
    primary = org_unit_get(user, payload.primary_id, perm=Perm.MEMBERS_MANAGE)
    membership = services.member_register(
        actor=user,
        primary=primary,
        data=_person_data(user, payload.person),
        joined=payload.joined,
        card_number=payload.card_number,
        dues_category=payload.dues_category,
    )
    return Status(201, _membership_out(membership))


@memberships_router.patch("/{membership_id}", response=MembershipOut)
def update_membership(request, membership_id: int, payload: MembershipPatch):
    user = actor(request)
    membership = selectors.membership_get(user, membership_id, perm=Perm.MEMBERS_MANAGE)
    values = payload.dict(exclude_unset=True)
    primary = (
        org_unit_get(user, values["primary_id"], perm=Perm.MEMBERS_MANAGE)
        if values.get("primary_id")
        else membership.primary
    )
    person = membership.person
    services.member_update(
        actor=user,
        membership=membership,
        data=services.PersonData(
            iin=person.iin,
            surname=person.surname,
            name=person.name,
            patronymic=person.patronymic,
            phone=person.phone,
            email=person.email,
            settlement=person.settlement,
            address=person.address,
        ),
        primary=primary,
        joined=values.get("joined") or membership.joined,
        card_number=values["card_number"]
        if values.get("card_number") is not None
        else (membership.card_number or ""),
        status=values.get("status"),
        dues_category=values.get("dues_category"),
    )
    return _membership_out(selectors.membership_get(user, membership_id))


@memberships_router.post(
    "/{membership_id}/archive",
    response=MembershipOut,
    summary="End a membership (it is archived, never deleted)",
)
def archive_membership(request, membership_id: int, payload: ArchiveIn):
    user = actor(request)
    membership = selectors.membership_get(user, membership_id, perm=Perm.MEMBERS_MANAGE)
    services.membership_archive(
        actor=user, membership=membership, left=payload.left, reason=payload.reason
    )
    return _membership_out(selectors.membership_get(user, membership_id))
