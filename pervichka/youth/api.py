"""Youth work over the API: the register, cases, referrals, placements. Scoped like the pages
(youth workers, the primary's chair, district administrators)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.dates import BirthDate, EventDate
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.orgs.selectors import org_unit_get, settlements_for
from pervichka.people.enums import ConsentMethod
from pervichka.people.services import PersonData
from pervichka.youth import selectors, services
from pervichka.youth.enums import (
    CaseStatus,
    CloseReason,
    Education,
    Need,
    PlacementKind,
    ReferralStatus,
    YouthStatus,
)
from pervichka.youth.models import Case
from pervichka.youth.rules import derive_status

router = Router(tags=["youth"])


class FactsIn(Schema):
    education: Education = Education.SECONDARY
    graduated_year: int | None = Field(None, ge=1950, le=2100)
    specialty: str = Field("", max_length=255)
    skills: str = Field("", max_length=5000)
    employed: bool = False
    employer: str = Field("", max_length=255)
    in_education: bool = False
    in_training: bool = False
    military_service: bool = False
    parental_leave: bool = False
    registered_job_seeker: bool = False
    notes: str = Field("", max_length=5000)


class YoungPersonIn(FactsIn):
    primary_id: int
    iin: str | None = Field(None, max_length=12)
    surname: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=100)
    patronymic: str = Field("", max_length=100)
    birth_date: BirthDate | None = None
    phone: str = Field("", max_length=20)
    settlement_id: int | None = None
    consent_method: ConsentMethod | None = None


class YoungPersonOut(Schema):
    id: int
    person_id: int
    name: str
    age: int | None
    status: YouthStatus
    neet: bool
    primary_id: int
    settlement_id: int | None
    education: Education
    open_case_id: int | None


class EligibilityOut(Schema):
    measure_id: int
    code: str
    name: str
    eligible: bool
    reasons: list[str]
    description: str
    benefit_mrp: Decimal | None
    benefit_kzt: Decimal | None = Field(
        None, description="The payment in tenge at the MRP of the current year"
    )


class CaseIn(Schema):
    needs: list[Need] = []
    assessment: str = Field("", max_length=10000)
    plan: str = Field("", max_length=10000)
    next_followup: EventDate | None = None
    worker_id: int | None = Field(
        None, description="The case worker (a user who manages youth work at the primary)"
    )


class CloseIn(Schema):
    reason: CloseReason


class CheckIn(Schema):
    months: Literal[3, 6]
    lasted: bool


class ReferralOut(Schema):
    id: int
    measure_id: int
    measure: str
    status: ReferralStatus
    referred_on: dt.date
    accepted_on: dt.date | None
    started_on: dt.date | None
    completed_on: dt.date | None
    refused_on: dt.date | None
    refusal_reason: str


class PlacementOut(Schema):
    id: int
    kind: PlacementKind
    started_on: dt.date
    organization: str
    position: str
    referral_id: int | None
    lasted_3m: bool | None
    lasted_6m: bool | None


class CaseOut(Schema):
    id: int
    young_person_id: int
    status: CaseStatus
    needs: list[str]
    assessment: str
    plan: str
    next_followup: dt.date | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    worker_id: int | None
    referrals: list[ReferralOut]
    placements: list[PlacementOut]


class ReferralIn(Schema):
    measure_id: int
    on: dt.date | None = None
    note: str = Field("", max_length=255)
    override: bool = False


class ReferralMoveIn(Schema):
    to: ReferralStatus
    on: dt.date | None = None
    reason: str = Field("", max_length=255)


class PlacementIn(Schema):
    kind: PlacementKind
    started_on: dt.date
    organization: str = Field(..., min_length=1, max_length=255)
    position: str = Field("", max_length=255)
    referral_id: int | None = None


def _yp_out(yp) -> dict:
    status = derive_status(yp)
    open_case = next((c.pk for c in yp.cases.all() if c.status == CaseStatus.OPEN), None)
    return {
        "id": yp.pk,
        "person_id": yp.person_id,
        "name": yp.person.full_name,
        "age": selectors.age_of(yp),
        "status": status,
        "neet": status in ("parental_leave", "job_seeker", "neet"),
        "primary_id": yp.primary_id,
        "settlement_id": yp.person.settlement_id,
        "education": yp.education,
        "open_case_id": open_case,
    }


def _case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "young_person_id": case.young_person_id,
        "status": case.status,
        "needs": case.needs,
        "assessment": case.assessment,
        "plan": case.plan,
        "next_followup": case.next_followup,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "worker_id": case.worker_id,
        "referrals": [
            {
                "id": r.pk,
                "measure_id": r.measure_id,
                "measure": str(r.measure),
                "status": r.status,
                "referred_on": r.referred_on,
                "accepted_on": r.accepted_on,
                "started_on": r.started_on,
                "completed_on": r.completed_on,
                "refused_on": r.refused_on,
                "refusal_reason": r.refusal_reason,
            }
            for r in case.referrals.select_related("measure")
        ],
        "placements": [
            {
                "id": p.pk,
                "kind": p.kind,
                "started_on": p.started_on,
                "organization": p.organization,
                "position": p.position,
                "referral_id": p.referral_id,
                "lasted_3m": p.lasted_3m,
                "lasted_6m": p.lasted_6m,
            }
            for p in case.placements.all()
        ],
    }


@router.get("/people", response=list[YoungPersonOut], summary="The youth register in scope")
@paginate(Pagination)
def list_people(request, status: YouthStatus | None = None, neet: bool = False, q: str = ""):
    filters = selectors.RegistryFilters(status=status or "", neet_only=neet, q=q)
    return MappedPage(
        selectors.registry(actor(request), filters).prefetch_related("cases"), _yp_out
    )


@router.get("/people/{young_person_id}", response=YoungPersonOut)
def get_person(request, young_person_id: int):
    return _yp_out(selectors.young_person_get(actor(request), young_person_id))


@router.get(
    "/people/{young_person_id}/eligibility",
    response=list[EligibilityOut],
    summary="Which support measures the young person's facts qualify for",
)
def get_eligibility(request, young_person_id: int):
    yp = selectors.young_person_get(actor(request), young_person_id)
    return [
        {
            "measure_id": m.pk,
            "code": m.code,
            "name": str(m),
            "eligible": e.ok,
            "reasons": list(e.reasons),
            "description": m.display_description,
            "benefit_mrp": m.benefit_mrp,
            "benefit_kzt": m.benefit_kzt_now,
        }
        for m, e in selectors.eligibility_table(yp)
    ]


@router.post(
    "/people", response={201: YoungPersonOut}, summary="Put a young person on the register"
)
def create_person(request, payload: YoungPersonIn):
    user = actor(request)
    primary = org_unit_get(user, payload.primary_id, perm=Perm.YOUTH_MANAGE)
    settlement = (
        get_or_404(settlements_for(user), pk=payload.settlement_id)
        if payload.settlement_id
        else None
    )
    facts = payload.dict(include=set(FactsIn.model_fields))
    yp = services.young_person_register(
        actor=user,
        primary=primary,
        facts=facts,
        data=PersonData(
            iin=payload.iin,
            surname=payload.surname,
            name=payload.name,
            patronymic=payload.patronymic,
            birth_date=payload.birth_date,
            phone=payload.phone,
            settlement=settlement,
            consent_method=payload.consent_method or "",
        ),
    )
    return Status(201, _yp_out(yp))


@router.get("/cases", response=list[CaseOut], summary="Cases in scope")
@paginate(Pagination)
def list_cases(request, status: CaseStatus | None = None):
    queryset = selectors.cases_visible(actor(request))
    if status:
        queryset = queryset.filter(status=status)
    return MappedPage(queryset, _case_out)


@router.get("/cases/{case_id}", response=CaseOut)
def get_case(request, case_id: int):
    return _case_out(selectors.case_get(actor(request), case_id))


@router.post("/people/{young_person_id}/cases", response={201: CaseOut}, summary="Open a case")
def open_case(request, young_person_id: int, payload: CaseIn):
    user = actor(request)
    yp = selectors.young_person_get(user, young_person_id, perm=Perm.YOUTH_MANAGE)
    case = services.case_open(
        actor=user,
        yp=yp,
        needs=list(payload.needs),
        assessment=payload.assessment,
        plan=payload.plan,
        next_followup=payload.next_followup,
        worker=_worker(payload.worker_id),
    )
    return Status(201, _case_out(case))


def _worker(worker_id: int | None):
    if worker_id is None:
        return None
    worker = selectors.user_active(worker_id)
    if worker is None:
        raise ValidationError({"worker_id": _("No such user.")})
    return worker


@router.post("/cases/{case_id}/close", response=CaseOut, summary="Close a case, saying why")
def close_case(request, case_id: int, payload: CloseIn):
    user = actor(request)
    case = selectors.case_get(user, case_id, perm=Perm.YOUTH_MANAGE)
    services.case_close(actor=user, case=case, reason=payload.reason)
    return _case_out(selectors.case_get(user, case_id))


@router.post(
    "/cases/{case_id}/placements/{placement_id}/check",
    response=CaseOut,
    summary="Record whether a placement lasted 3 or 6 months (also on a closed case)",
)
def check_placement(request, case_id: int, placement_id: int, payload: CheckIn):
    user = actor(request)
    case = selectors.case_get(user, case_id, perm=Perm.YOUTH_MANAGE)
    placement = get_or_404(case.placements.all(), pk=placement_id)
    services.placement_check(
        actor=user, placement=placement, months=payload.months, lasted=payload.lasted
    )
    return _case_out(selectors.case_get(user, case_id))


@router.post(
    "/cases/{case_id}/referrals", response={201: CaseOut}, summary="Refer to a support measure"
)
def refer(request, case_id: int, payload: ReferralIn):
    user = actor(request)
    case = selectors.case_get(user, case_id, perm=Perm.YOUTH_MANAGE)
    measure = get_or_404(selectors.measures_for(case.young_person.primary), pk=payload.measure_id)
    services.referral_create(
        actor=user,
        case=case,
        measure=measure,
        on=payload.on,
        note=payload.note,
        override=payload.override,
    )
    return Status(201, _case_out(selectors.case_get(user, case_id)))


@router.post(
    "/cases/{case_id}/referrals/{referral_id}/move",
    response=CaseOut,
    summary="Move a referral: accepted, started, completed or refused",
)
def move_referral(request, case_id: int, referral_id: int, payload: ReferralMoveIn):
    user = actor(request)
    case = selectors.case_get(user, case_id, perm=Perm.YOUTH_MANAGE)
    referral = get_or_404(case.referrals.all(), pk=referral_id)
    services.referral_move(
        actor=user, referral=referral, to=payload.to, on=payload.on, reason=payload.reason
    )
    return _case_out(selectors.case_get(user, case_id))


@router.post(
    "/cases/{case_id}/placements",
    response={201: CaseOut},
    summary="Record a placement into work or study",
)
def place(request, case_id: int, payload: PlacementIn):
    user = actor(request)
    case = selectors.case_get(user, case_id, perm=Perm.YOUTH_MANAGE)
    referral = (
        get_or_404(case.referrals.all(), pk=payload.referral_id) if payload.referral_id else None
    )
    services.placement_record(
        actor=user,
        case=case,
        kind=payload.kind,
        started_on=payload.started_on,
        organization=payload.organization,
        position=payload.position,
        referral=referral,
    )
    return Status(201, _case_out(selectors.case_get(user, case_id)))
