"""Writes to the person registry and memberships.

Each function is one transaction, takes the acting user, checks the actor's scope (a unit
outside it is reported as missing, like everywhere), validates with the models' own
constraints, and saves through `save_as` so history records who made the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from contextlib import ContextDecorator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import ratelimit
from pervichka.core.bulk import (
    from_row,
    history_copy_sql,
    insert_rows,
    insert_values_sql,
    select_columns,
)
from pervichka.core.freshness import bump as freshness_bump
from pervichka.core.history import save_as
from pervichka.core.phones import normalize_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.orgs.enums import OrgKind
from pervichka.people import signals
from pervichka.people.enums import (
    AccessAction,
    ConsentChannel,
    ConsentMethod,
    ConsentPurpose,
    DuesCategory,
    MembershipStatus,
    TransferStatus,
)
from pervichka.people.models import (
    AccessLog,
    Consent,
    Membership,
    Person,
    PersonTransferRequest,
    TelegramChat,
)
from pervichka.people.selectors import person_linkable

PERSON_FIELDS = (
    "iin",
    "surname",
    "name",
    "patronymic",
    "birth_date",
    "phone",
    "email",
    "settlement",
    "address",
)


@dataclass
class PersonData:
    """What a form, an API call or an import row says about a person."""

    surname: str
    name: str
    patronymic: str = ""
    iin: str | None = None
    birth_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    settlement: object | None = None
    address: str = ""
    consent_method: str = ""
    extra: dict = field(default_factory=dict)

    def cleaned(self) -> PersonData:
        """Trimmed, with the phone in E.164; a bad phone raises a field error."""
        phone = self.phone
        try:
            phone = normalize_phone(self.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
        return PersonData(
            surname=self.surname.strip(),
            name=self.name.strip(),
            patronymic=(self.patronymic or "").strip(),
            iin=(self.iin or "").strip() or None,
            birth_date=self.birth_date,
            phone=phone,
            email=(self.email or "").strip(),
            settlement=self.settlement,
            address=(self.address or "").strip(),
            consent_method=self.consent_method,
        )


def _require(actor, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


# --- finding persons by IIN: scoped, rate-limited, logged ------------------------------
#
# A staff form that brings in an IIN kept outside the actor's scope must not echo, link or
# change that record. It cannot answer exactly as for an unknown IIN (that would create a
# second person with the same IIN, which the registry forbids), so it refuses with one
# neutral message that names neither the person nor the keeper, after every check an
# unknown IIN would also go through (consent, the fields), and a request to use the record
# goes to its keeper. The rate limit and the keeper's list of requests make harvesting
# names by IIN slow and visible. Public forms (an appeal, an idea) keep linking a known IIN
# without changing the record: the anonymous submitter is shown nothing of the person.


def kept_elsewhere_message(*, request_sent: bool = True) -> str:
    """The one answer for an IIN kept outside the actor's scope: names nobody."""
    if not request_sent:  # an import sends no requests: one form per person does
        return _(
            "This IIN cannot be used here: the person's record is kept by another "
            "organization. Add the person with the member form to ask for it."
        )
    return _(
        "This IIN cannot be used here yet: the person's record is kept by another "
        "organization. A request to use it has been sent there; once it is approved, "
        "try again."
    )


class PersonKeptElsewhere(ValidationError):
    """A staff form brought in an IIN kept outside the actor's scope: refused, and (by
    `records_transfer_requests` around the service) a request goes to the keeper."""

    def __init__(self, *, actor, person: Person, unit, purpose: str):
        self.actor = actor
        self.person_id = person.pk
        self.from_unit_id = person.unit_id
        self.to_unit_id = unit.pk
        self.purpose = purpose
        self.recorded = False
        super().__init__({"iin": [kept_elsewhere_message()]}, code="kept_elsewhere")


class _TransferRequestRecorder(ContextDecorator):
    """`records_transfer_requests`: put it above a service's `transaction.atomic` (or around
    a view's own `transaction.atomic` block): when the service refuses a person kept
    elsewhere, the transaction is rolled back and the request to the keeper (with its
    access-log entry) is written after it, so the refusal does not take the request with it.
    Nested uses write once: an inner one whose write is already committed marks the error."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if isinstance(exc, PersonKeptElsewhere) and not exc.recorded:
            _transfer_request_record(exc)
            exc.recorded = not transaction.get_connection().in_atomic_block
        return False


records_transfer_requests = _TransferRequestRecorder()


@transaction.atomic
def _transfer_request_record(exc: PersonKeptElsewhere) -> None:
    PersonTransferRequest.objects.get_or_create(
        person_id=exc.person_id,
        to_unit_id=exc.to_unit_id,
        status=TransferStatus.PENDING,
        defaults={
            "from_unit_id": exc.from_unit_id,
            "requested_by": exc.actor,
            "purpose": exc.purpose[:200],
        },
    )
    access_log_record(
        actor=exc.actor,
        action=AccessAction.LOOKUP,
        person_id=exc.person_id,
        unit_id=exc.from_unit_id,
        what="kept elsewhere: request to use the record",
    )


def access_log_record(
    *,
    actor,
    action: str,
    person: Person | None = None,
    person_id: int | None = None,
    unit=None,
    unit_id: int | None = None,
    rows: int = 0,
    what: str = "",
) -> AccessLog:
    """Append one entry to the access log (never updated, never deleted)."""
    if person is not None:
        person_id = person.pk
        unit_id = unit_id or person.unit_id
    if unit is not None:
        unit_id = unit.pk
    return AccessLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        person_id=person_id,
        unit_id=unit_id,
        rows=rows,
        what=what[:200],
    )


def iin_lookups_charge(actor, *, cost: int = 1) -> None:
    """Count `cost` lookups by IIN against the actor's hourly allowance; refuse past it."""
    if actor is None or not getattr(actor, "is_authenticated", False) or cost <= 0:
        return
    if not ratelimit.hit(
        "iin-lookup",
        str(actor.pk),
        limit=settings.PERVICHKA_IIN_LOOKUPS_PER_HOUR,
        window_seconds=3600,
        cost=cost,
    ):
        raise ValidationError(
            {"iin": [_("Too many lookups by IIN in an hour; try again later.")]},
            code="rate_limited",
        )


def person_lookup(*, actor, iin: str, perm: Perm = Perm.PEOPLE_VIEW) -> Person | None:
    """The person with this IIN if the actor may see them (`perm` at the record's unit),
    else None — a person kept elsewhere is answered exactly like nobody. Rate-limited per
    user and logged."""
    iin = (iin or "").strip()
    if not iin:
        return None
    iin_lookups_charge(actor)
    person = (
        Person.objects.visible_to(actor, perm).select_related("unit", "settlement").filter(iin=iin)
    ).first()
    if person is not None:
        access_log_record(actor=actor, action=AccessAction.LOOKUP, person=person, what="by IIN")
    return person


def _refuse_kept_elsewhere(*, actor, person: Person, unit, data: PersonData, purpose: str):
    """Everything an unknown IIN would be checked for, then the neutral refusal."""
    candidate = Person(unit=unit)
    for name in PERSON_FIELDS:
        setattr(candidate, name, getattr(data, name))
    _consent(candidate, data, required=True, renew=False)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    raise PersonKeptElsewhere(actor=actor, person=person, unit=unit, purpose=purpose)


@transaction.atomic
def person_transfer_decide(
    *, actor, transfer: PersonTransferRequest, approve: bool
) -> PersonTransferRequest:
    """The keeper (or an administrator above both) approves or refuses a request to use a
    record. Approval lets the requesting unit link the person; the record stays where it is."""
    transfer = (
        PersonTransferRequest.objects.select_for_update(of=("self",))
        .select_related("person__unit")
        .get(pk=transfer.pk)
    )
    _require(actor, Perm.PEOPLE_MANAGE, transfer.person.unit.path)
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    transfer.status = TransferStatus.APPROVED if approve else TransferStatus.REFUSED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.save()
    return transfer


def _consent(person: Person, data: PersonData, *, required: bool, renew: bool) -> bool:
    """The one consent rule of the registry: a person's data is kept only with their
    consent on record. A consent given now is recorded (with `renew`, also over an earlier
    one given another way); none given, and none on record, is refused when `required`.
    True when the person's consent changed."""
    if data.consent_method:
        if data.consent_method not in ConsentMethod.values:
            raise ValidationError({"consent_method": _("Choose how consent was given.")})
        if person.consent_at is None or (renew and person.consent_method != data.consent_method):
            person.consent_method = data.consent_method
            person.consent_at = timezone.now()
            return True
        return False
    if required and person.consent_at is None:
        raise ValidationError(
            {"consent_method": _("Consent to the processing of personal data is required.")}
        )
    return False


def _apply(person: Person, data: PersonData, *, actor, consent_required: bool) -> None:
    for name in PERSON_FIELDS:
        setattr(person, name, getattr(data, name))
    _consent(person, data, required=consent_required, renew=True)


def _full_clean(obj, *, exclude: list[str] | None = None) -> None:
    # validate_constraints=False: the unique partial constraints are checked by the
    # database inside the transaction, which also catches the race two clerks can run.
    obj.full_clean(exclude=exclude, validate_constraints=False)


@transaction.atomic
def person_create(
    *,
    actor,
    unit,
    data: PersonData,
    consent_required: bool = True,
    consent_purpose: str = ConsentPurpose.MEMBERSHIP,
) -> Person:
    """Register a person in `unit` (the org unit that keeps the record); a consent given
    now goes into the register for `consent_purpose`."""
    _require(actor, Perm.PEOPLE_MANAGE, unit.path)
    data = data.cleaned()
    person = Person(unit=unit)
    _apply(person, data, actor=actor, consent_required=consent_required)
    _full_clean(person)
    save_as(person, actor)
    _consent_register(actor, person, data, consent_purpose)
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    data: PersonData,
    consent_purpose: str = ConsentPurpose.MEMBERSHIP,
) -> Person:
    """Change a person's details; every earlier version stays in history."""
    _require(actor, Perm.PEOPLE_MANAGE, person.unit.path)
    person = Person.objects.select_for_update().get(pk=person.pk)
    data = data.cleaned()
    _apply(person, data, actor=actor, consent_required=False)
    _full_clean(person)
    save_as(person, actor)
    _consent_register(actor, person, data, consent_purpose)
    return person


def _check_primary(actor, primary) -> None:
    if primary is None or primary.kind != OrgKind.PRIMARY:
        raise ValidationError({"primary": _("Choose a primary organization.")})
    _require(actor, Perm.MEMBERS_MANAGE, primary.path)


@records_transfer_requests
@transaction.atomic
def member_register(
    *,
    actor,
    primary,
    data: PersonData,
    joined: dt.date,
    card_number: str = "",
    dues_category: str = DuesCategory.WORKING,
) -> Membership:
    """Make a person a member of `primary`.

    A person already in the registry (same IIN) is reused and their details updated, so the
    registry keeps one record per person; a person who is a current member elsewhere is
    refused, since a member belongs to one primary at a time. A person whose record is kept
    outside the actor's scope is refused with the neutral message of every staff form (their
    membership is not revealed) and a request to use the record goes to its keeper.
    """
    _check_primary(actor, primary)
    data = data.cleaned()
    person = None
    if data.iin:
        iin_lookups_charge(actor)
        person = Person.objects.select_for_update().filter(iin=data.iin).first()
    if person is not None:
        if not person_linkable(actor, person, primary):
            _refuse_kept_elsewhere(
                actor=actor, person=person, unit=primary, data=data, purpose=_("membership")
            )
        current = person.memberships.exclude(status=MembershipStatus.ARCHIVED).first()
        if current is not None:
            raise ValidationError(
                {"iin": _("A person with this IIN is already a member of a primary organization.")}
            )
        # Reusing the record moves it into `primary` and rewrites it: only who keeps it may,
        # or whom the keeper allowed to use it.
        if not has_perm_at(actor, Perm.PEOPLE_MANAGE, person.unit.path) and not person_linkable(
            actor, person, primary, granted_only=True
        ):
            raise ValidationError(
                {
                    "iin": _(
                        "A person with this IIN is registered in another organization; "
                        "ask its administrator."
                    )
                }
            )
    else:
        person = Person()
    person.unit = primary
    _apply(person, data, actor=actor, consent_required=True)
    _full_clean(person)
    membership = Membership(
        person=person,
        primary=primary,
        joined=joined,
        card_number=card_number.strip() or None,
        status=MembershipStatus.ACTIVE,
        dues_category=dues_category,
        created_by=actor,
    )
    _full_clean(membership, exclude=["person"])
    if joined > timezone.localdate():
        raise ValidationError({"joined": _("The joining date cannot be in the future.")})
    try:
        with transaction.atomic():
            save_as(person, actor)
            membership.person = person
            save_as(membership, actor)
    except IntegrityError as exc:
        raise _integrity_to_validation(exc) from exc
    _consent_register(actor, person, data, ConsentPurpose.MEMBERSHIP)
    return membership


def _integrity_to_validation(exc: IntegrityError) -> ValidationError:
    """Turn a lost race on a unique rule into the message the form would have shown."""
    text = str(exc).lower()
    if "iin" in text:
        return ValidationError({"iin": _("A person with this IIN is already registered.")})
    if "card_number" in text:
        return ValidationError({"card_number": _("This party card number is already in use.")})
    return ValidationError(
        {"iin": _("A person with this IIN is already a member of a primary organization.")}
    )


@transaction.atomic
def member_update(
    *,
    actor,
    membership: Membership,
    data: PersonData,
    primary,
    joined: dt.date,
    card_number: str = "",
    status: str | None = None,
    dues_category: str | None = None,
) -> Membership:
    """Edit a member's details and membership. Moving them needs rights in both primaries."""
    _require(actor, Perm.MEMBERS_MANAGE, membership.primary.path)
    membership = (
        Membership.objects.select_for_update()
        .select_related("person", "primary")
        .get(pk=membership.pk)
    )
    if membership.status == MembershipStatus.ARCHIVED:
        raise ValidationError(_("An archived membership cannot be edited."))
    _check_primary(actor, primary)
    data = data.cleaned()
    person = membership.person
    _apply(person, data, actor=actor, consent_required=False)
    if primary != membership.primary:
        person.unit = primary
    _full_clean(person)
    membership.primary = primary
    membership.joined = joined
    membership.card_number = card_number.strip() or None
    if dues_category is not None:
        membership.dues_category = dues_category
    if status is not None:
        if status not in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED):
            raise ValidationError({"status": _("Use Archive to end a membership.")})
        membership.status = status
    _full_clean(membership)
    try:
        with transaction.atomic():
            save_as(person, actor)
            save_as(membership, actor)
    except IntegrityError as exc:
        raise _integrity_to_validation(exc) from exc
    _consent_register(actor, person, data, ConsentPurpose.MEMBERSHIP)
    return membership


@transaction.atomic
def membership_archive(*, actor, membership: Membership, left: dt.date, reason: str) -> Membership:
    """End a membership. The member stays in the registry and in every report of the past."""
    _require(actor, Perm.MEMBERS_MANAGE, membership.primary.path)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == MembershipStatus.ARCHIVED:
        raise ValidationError(_("This membership is already archived."))
    if not reason:
        raise ValidationError({"leave_reason": _("Say why the member leaves.")})
    if left < membership.joined:
        raise ValidationError({"left": _("A member cannot leave before joining.")})
    if left > timezone.localdate():
        raise ValidationError({"left": _("The leaving date cannot be in the future.")})
    membership.status = MembershipStatus.ARCHIVED
    membership.left = left
    membership.leave_reason = reason
    _full_clean(membership)
    save_as(membership, actor, reason=reason)
    return membership


def person_find_or_create(
    *,
    actor,
    unit,
    data: PersonData,
    public: bool = False,
    update: bool = True,
    purpose: str = "",
    consent_purpose: str = "",
) -> Person:
    """The registry's person for someone a form brings in (an appeal, a young person, an
    event's participant, an idea's author), for every app that needs one.

    Found by IIN (or, on a public form, by the same name and phone under `unit`), else
    created in `unit`. Either way the consent rule holds (`_consent`): a person without
    consent on record must give it now. A found person's details change only when `update`
    is asked, the form is not public and the actor may manage people where the person's
    record is kept.

    On a staff form an IIN kept outside the actor's scope (and not shared with `unit` by an
    approved request) is refused with `PersonKeptElsewhere` after the checks an unknown IIN
    gets: nothing is echoed, linked or changed; the service that calls this is wrapped in
    `records_transfer_requests`, which sends the keeper a request saying `purpose`. Staff
    lookups are rate-limited per user and logged. A public form (actor None) links a known
    IIN and changes nothing. A consent given on the form goes into the consent register for
    `consent_purpose` (a `ConsentPurpose`). The caller holds the transaction."""
    data = data.cleaned()
    person = None
    if data.iin:
        if not public:
            iin_lookups_charge(actor)
        person = Person.objects.select_for_update().filter(iin=data.iin).first()
        if person is not None and not public:
            if not person_linkable(actor, person, unit):
                _refuse_kept_elsewhere(
                    actor=actor, person=person, unit=unit, data=data, purpose=purpose
                )
            access_log_record(
                actor=actor, action=AccessAction.LOOKUP, person=person, what=purpose or "by IIN"
            )
    elif public and data.phone:
        person = _person_by_name_and_phone(unit, data)
    if person is None:
        person = Person(
            unit=unit,
            iin=data.iin,
            surname=data.surname,
            name=data.name,
            patronymic=data.patronymic,
            phone=data.phone,
            email=data.email,
            settlement=data.settlement,
            address=data.address,
            birth_date=data.birth_date,
        )
        _consent(person, data, required=True, renew=False)
        # The unit and the village are instances the caller holds, and the database's
        # foreign keys guard them anyway: a query each to check they exist would repeat it.
        person.full_clean(exclude=["unit", "settlement"], validate_constraints=False)
        if (
            connection.vendor == "postgresql"
            and data.consent_method
            and consent_purpose
            and person.consent_at is not None
        ):
            consent = _consent_new(
                actor=actor,
                person=person,
                purpose=consent_purpose,
                channel=CHANNEL_OF_METHOD[data.consent_method],
            )
            _insert_with_consent(actor, person, consent)
        else:
            save_as(person, actor)
            _consent_register(actor, person, data, consent_purpose, new_person=True)
        person.created_now = True  # the caller may skip looking for its earlier records
        return person
    may_update = update and not public and has_perm_at(actor, Perm.PEOPLE_MANAGE, person.unit.path)
    if may_update:
        for name in ("surname", "name", "patronymic", "address"):
            value = getattr(data, name)
            if value:
                setattr(person, name, value)
        if data.phone:
            person.phone = data.phone
        if data.settlement is not None:
            person.settlement = data.settlement
    consented = _consent(person, data, required=True, renew=False)
    if may_update or consented:  # a form that changes nothing writes nothing
        person.full_clean(validate_constraints=False)
        save_as(person, actor)
    if not public:
        # An anonymous form cannot prove it is the known person: it records no consent on
        # their record (the submission itself carries the consent it was sent with).
        _consent_register(actor, person, data, consent_purpose)
    return person


def _person_by_name_and_phone(unit, data: PersonData) -> Person | None:
    """A public form's citizen as the registry may know them: the first person under `unit`
    with this phone whose name begins with the surname and name given (the ORM's
    `unit__path__startswith, phone, search_name__startswith` with `.first()`, its SQL
    written once: compiling that query cost more CPU than the database's answer)."""
    like = connection.operators["startswith"] % "%s"
    units = Person._meta.get_field("unit").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {select_columns(Person, "p")} FROM "{Person._meta.db_table}" "p" '
            f'INNER JOIN "{units}" "u" ON "p"."unit_id" = "u"."id" '
            f'WHERE "u"."path" {like} AND "p"."phone" = %s AND "p"."search_name" {like} '
            'ORDER BY "p"."id" LIMIT 1',
            [
                connection.ops.prep_for_like_query(unit.path) + "%",
                data.phone,
                connection.ops.prep_for_like_query(f"{data.surname} {data.name}".lower()) + "%",
            ],
        )
        row = cursor.fetchone()
    return None if row is None else from_row(Person, row)


# --- the consent register (Law on personal data, 2013, art. 7-8) ------------------------
#
# Every consent a form, an API call or an import takes goes into `Consent`, one row per
# person and purpose, through `consent_record`. `Person.consent_at`/`consent_method` stay
# as the summary the forms read ("some consent is on record"): the earliest open consent,
# or empty once every consent is withdrawn, so a later form asks again.

CHANNEL_OF_METHOD = {
    ConsentMethod.PAPER: ConsentChannel.PAPER,
    ConsentMethod.ELECTRONIC: ConsentChannel.WEB,
    ConsentMethod.VERBAL: ConsentChannel.VERBAL,
    ConsentMethod.IMPORTED: ConsentChannel.IMPORTED,
}
METHOD_OF_CHANNEL = {
    ConsentChannel.PAPER: ConsentMethod.PAPER,
    ConsentChannel.SMS: ConsentMethod.ELECTRONIC,
    ConsentChannel.WEB: ConsentMethod.ELECTRONIC,
    ConsentChannel.TELEGRAM: ConsentMethod.ELECTRONIC,
    ConsentChannel.VERBAL: ConsentMethod.VERBAL,
    ConsentChannel.IMPORTED: ConsentMethod.IMPORTED,
}


def _consent_register(
    actor, person: Person, data: PersonData, purpose: str, *, new_person: bool = False
) -> None:
    """A consent the form gave now, into the register (nothing when none was given).
    `new_person`: the person was inserted in this transaction and has no consent yet."""
    if data.consent_method and purpose:
        _consent_insert(
            actor=actor,
            person=person,
            purpose=purpose,
            channel=CHANNEL_OF_METHOD[data.consent_method],
            new_person=new_person,
        )


def _consent_summary(person: Person) -> None:
    """Keep `Person.consent_at`/`consent_method` in step with the register: set from the
    earliest open consent when empty, emptied when no consent is open any more."""
    first = person.consents.filter(withdrawn_at__isnull=True).order_by("given_at", "pk").first()
    if first is None and person.consent_at is not None:
        at, method = None, ""
    elif first is not None and person.consent_at is None:
        at, method = first.given_at, METHOD_OF_CHANNEL[first.channel]
    else:
        return
    Person.objects.filter(pk=person.pk).update(consent_at=at, consent_method=method)
    person.consent_at, person.consent_method = at, method


@transaction.atomic
def consent_record(
    *,
    actor,
    person: Person,
    purpose: str,
    channel: str,
    given_at: dt.datetime | None = None,
    document=None,
    document_ref: str = "",
    representative: str = "",
) -> Consent:
    """Record a consent brought on paper, by SMS code or through Telegram (the member
    card's form, the API). Needs the right to manage people where the person is kept.
    `representative` names the parent or legal representative who gave it for a minor."""
    _require(actor, Perm.PEOPLE_MANAGE, person.unit.path)
    return _consent_insert(
        actor=actor,
        person=person,
        purpose=purpose,
        channel=channel,
        given_at=given_at,
        document=document,
        document_ref=document_ref,
        representative=representative,
    )


def _consent_check(purpose: str, channel: str, given_at: dt.datetime | None) -> None:
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Choose the purpose of the consent.")})
    if channel not in ConsentChannel.values:
        raise ValidationError({"channel": _("Choose how consent was given.")})
    if given_at is not None and given_at > timezone.now():
        raise ValidationError({"given_at": _("A consent cannot be given in the future.")})


def _consent_new(
    *,
    actor,
    person: Person,
    purpose: str,
    channel: str,
    given_at: dt.datetime | None = None,
    document=None,
    document_ref: str = "",
    representative: str = "",
) -> Consent:
    """A checked consent, not saved yet."""
    _consent_check(purpose, channel, given_at)
    consent = Consent(
        person=person,
        purpose=purpose,
        channel=channel,
        given_at=given_at or timezone.now(),
        document_ref=(document_ref or "").strip(),
        representative=(representative or "").strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if document is not None:
        consent.document = document
    consent.full_clean(exclude=["person", "document"], validate_constraints=False)
    return consent


def _insert_with_consent(actor, person: Person, consent: Consent) -> None:
    """PostgreSQL: a new person, its history version, its consent and the consent's
    history version in one statement (data-modifying CTEs), not four: the public appeal's
    path for a citizen new to the registry. The rows are those `save_as` and the consent
    register write (the versions copied from the inserted rows by the database); no model
    signal is sent, so the write counter is moved on here (`core.freshness`)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    person.derive()  # what Person.save does
    p_cols, p_vals, p_params = insert_values_sql(person)
    hp_sql, hp_params = history_copy_sql(Person, user=user, source="p")
    c_cols, c_vals, c_params = insert_values_sql(consent, sql_of={"person_id": 'p."id"'})
    hc_sql, hc_params = history_copy_sql(Consent, user=user, source="c")
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH p AS (INSERT INTO "{Person._meta.db_table}" {p_cols} VALUES ({p_vals}) '
            f"RETURNING *), hp AS ({hp_sql}), "
            f'c AS (INSERT INTO "{Consent._meta.db_table}" {c_cols} SELECT {c_vals} FROM p '
            f'RETURNING *), hc AS ({hc_sql}) SELECT p."id", c."id" FROM p, c',
            [*p_params, *hp_params, *c_params, *hc_params],
        )
        person.pk, consent.pk = cursor.fetchone()
    for obj in (person, consent):
        obj._state.adding = False
        obj._state.db = connection.alias
    consent.person = person
    freshness_bump()


def _consent_insert(
    *,
    actor,
    person: Person,
    purpose: str,
    channel: str,
    given_at: dt.datetime | None = None,
    document=None,
    document_ref: str = "",
    new_person: bool = False,
    representative: str = "",
) -> Consent:
    """Record a person's consent to `purpose`. An open consent to the same purpose is kept
    as it is (and returned): a form that asks again records nothing twice. The caller has
    checked the actor's right (a public form has no actor).

    `new_person`: the person's row was inserted in this transaction, so no other consent of
    theirs exists or can be written concurrently, and their summary was set with the row:
    the open-consent read, the savepoint for a concurrent duplicate and the summary's read
    are skipped (three round trips of the public appeal form)."""
    _consent_check(purpose, channel, given_at)
    open_consent = (
        None
        if new_person
        else Consent.objects.select_for_update()
        .filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )
    if open_consent is not None:
        return open_consent
    consent = _consent_new(
        actor=actor,
        person=person,
        purpose=purpose,
        channel=channel,
        given_at=given_at,
        document=document,
        document_ref=document_ref,
        representative=representative,
    )
    if new_person and person.consent_at is not None:
        save_as(consent, actor)
        return consent
    try:
        with transaction.atomic():
            save_as(consent, actor)
    except IntegrityError:  # a second form recorded the same consent at the same moment
        return Consent.objects.get(person=person, purpose=purpose, withdrawn_at__isnull=True)
    _consent_summary(person)
    return consent


def consents_record_imported(
    *,
    actor,
    person_ids: list[int],
    at: dt.datetime,
    new_person_ids: Collection[int] = (),
) -> int:
    """The import's consents: members a primary confirmed on import consent to membership.
    One row per person without an open membership consent; returns how many were added.
    `new_person_ids`: persons written by this import, who have no consent to look for."""
    new = set(new_person_ids)
    known = [pk for pk in person_ids if pk not in new]
    have = (
        set(
            Consent.objects.filter(
                person_id__anyof=known,
                purpose=ConsentPurpose.MEMBERSHIP,
                withdrawn_at__isnull=True,
            ).values_list("person_id", flat=True)
        )
        if known
        else set()
    )
    # COPY on PostgreSQL (core.bulk): building 100,000 INSERT rows in the ORM cost more than
    # the database's work. Every column is given, as bulk_create gave them.
    recorded_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    rows = [
        (
            pk,
            ConsentPurpose.MEMBERSHIP.value,
            ConsentChannel.IMPORTED.value,
            at,
            "",
            "",
            recorded_by,
            None,
            None,
            "",
            "",
        )
        for pk in dict.fromkeys(person_ids)
        if pk not in have
    ]
    insert_rows(
        Consent,
        [
            "person_id",
            "purpose",
            "channel",
            "given_at",
            "document",
            "document_ref",
            "recorded_by_id",
            "withdrawn_at",
            "withdrawn_by_id",
            "withdrawal_reason",
            "representative",
        ],
        rows,
    )
    return len(rows)


def _announce_withdrawal(person: Person, purpose: str, actor) -> None:
    """Tell the apps that act on a withdrawal (media takes photos down) inside the same
    transaction: the withdrawal and what it stops are recorded together or not at all."""
    signals.consent_withdrawn.send(
        sender=Consent, person_id=person.pk, purpose=purpose, actor=actor
    )


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, reason: str) -> Consent:
    """Record the withdrawal of a consent: from now on the processing it covered stops
    (`people.selectors.consent_withdrawn` answers True for it), while what the law keeps
    (appeals already registered, the ledger) stays. Needs the right to manage people where
    the person is kept; a consent outside scope is missing."""
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("person__unit")
        .get(pk=consent.pk)
    )
    _require(actor, Perm.PEOPLE_MANAGE, consent.person.unit.path)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say how and why the consent was withdrawn.")})
    consent.withdrawn_at = max(timezone.now(), consent.given_at)
    consent.withdrawn_by = actor
    consent.withdrawal_reason = reason[:500]
    save_as(consent, actor, reason=reason[:100])
    _consent_summary(consent.person)
    _announce_withdrawal(consent.person, consent.purpose, actor)
    return consent


def consent_give_by_subject(*, person: Person, purpose: str, channel: str) -> Consent:
    """The person themselves agrees (a public form, the Telegram bot, an SMS reply): no
    staff actor. An open consent to the same purpose is kept as it is."""
    with transaction.atomic():
        return _consent_insert(actor=None, person=person, purpose=purpose, channel=channel)


@transaction.atomic
def consent_stop_by_subject(*, person: Person, purpose: str, channel: str, reason: str) -> bool:
    """The person themselves stops a purpose (an SMS reply STOP, /stop in the Telegram bot):
    the open consent is withdrawn with `reason`, or, when none is open, a withdrawn row is
    recorded (given and withdrawn through `channel`) so that `consent_withdrawn` answers
    True from now on. Returns whether anything changed (a second STOP changes nothing)."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Choose the purpose of the consent.")})
    now = timezone.now()
    rows = Consent.objects.select_for_update().filter(person=person, purpose=purpose)
    open_consent = rows.filter(withdrawn_at__isnull=True).first()
    if open_consent is not None:
        open_consent.withdrawn_at = max(now, open_consent.given_at)
        open_consent.withdrawal_reason = reason[:500]
        save_as(open_consent, None, reason=reason[:100])
    elif rows.exists():
        return False
    else:
        save_as(
            Consent(
                person=person,
                purpose=purpose,
                channel=channel,
                given_at=now,
                withdrawn_at=now,
                withdrawal_reason=reason[:500],
            ),
            None,
            reason=reason[:100],
        )
    _consent_summary(person)
    _announce_withdrawal(person, purpose, None)
    return True


# --- the citizens' Telegram bot --------------------------------------------------------------
# The bot (appeals.bot) keeps who it talks to here: the chat is the citizen's own record of
# what they asked for, written by the citizen's actions in the bot, never by staff.


@transaction.atomic
def telegram_chat_start(
    *, chat_id: int, username: str = "", language: str = "", unit=None
) -> TelegramChat:
    """/start (again): the chat is (re)opened; a deep link's primary and its village are
    kept, a chat that was stopped starts again (its subscriptions stay off until asked)."""
    chat, _new = TelegramChat.objects.select_for_update().get_or_create(
        chat_id=chat_id, defaults={"language": language}
    )
    chat.username = (username or "")[:64]
    if unit is not None:
        chat.unit = unit
        chat.settlement = unit.settlement or chat.settlement
    if chat.stopped_at is not None:
        chat.stopped_at = None
        chat.started_at = timezone.now()
    if not chat.language:
        chat.language = language
    chat.save()
    return chat


@transaction.atomic
def telegram_chat_update(*, chat: TelegramChat, **changes) -> TelegramChat:
    """Change what the citizen chose in the bot: `language`, `settlement`, `person`,
    `subscribed_news`, `subscribed_receptions`. Subscribing records the citizen's consent
    to messages in Telegram when the chat is linked to a person."""
    allowed = {"language", "settlement", "person", "subscribed_news", "subscribed_receptions"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not a chat setting: {sorted(unknown)}")
    chat = TelegramChat.objects.select_for_update().get(pk=chat.pk)
    for name, value in changes.items():
        setattr(chat, name, value)
    chat.save()
    if chat.person_id and (chat.subscribed_news or chat.subscribed_receptions):
        _consent_insert(
            actor=None,
            person=chat.person,
            purpose=ConsentPurpose.CONTACT_TELEGRAM,
            channel=ConsentChannel.TELEGRAM,
        )
    return chat


def telegram_chat_stop(*, chat: TelegramChat) -> bool:
    """/stop: no more messages of any kind to this chat (status changes, news, field
    receptions, mailings); the person's consent to Telegram messages is withdrawn in the
    register. Returns whether anything changed (a second /stop changes nothing)."""
    with transaction.atomic():
        chat = TelegramChat.objects.select_for_update().get(pk=chat.pk)
        changed = chat.stopped_at is None
        if changed:
            chat.stopped_at = timezone.now()
            chat.subscribed_news = chat.subscribed_receptions = False
            chat.save()
        if chat.person_id:
            changed = (
                consent_stop_by_subject(
                    person=chat.person,
                    purpose=ConsentPurpose.CONTACT_TELEGRAM,
                    channel=ConsentChannel.TELEGRAM,
                    reason="/stop in Telegram",
                )
                or changed
            )
    return changed


def consents_record_imported_staged(*, actor, at: dt.datetime, staging: str, where: str) -> int:
    """`consents_record_imported` for the persons of an import's staging table (PostgreSQL),
    in one statement: the rows of the temporary table `staging` (alias `s`) that `where`
    selects name a person by `person_id`, and `new_person` is true for one this import wrote
    (who has no consent to look for). Returns how many were added."""
    transaction.on_commit(freshness_bump)
    recorded_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    purpose = ConsentPurpose.MEMBERSHIP.value
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{Consent._meta.db_table}" ("person_id", "purpose", "channel", '
            '"given_at", "document", "document_ref", "recorded_by_id", "withdrawn_at", '
            '"withdrawn_by_id", "withdrawal_reason", "representative") '
            "SELECT DISTINCT s.\"person_id\", %s, %s, %s::timestamptz, '', '', %s::bigint, "
            f"NULL::timestamptz, NULL::bigint, '', '' FROM \"{staging}\" s WHERE {where} AND "
            f'(s."new_person" OR NOT EXISTS (SELECT 1 FROM "{Consent._meta.db_table}" c '
            'WHERE c."person_id" = s."person_id" AND c."purpose" = %s '
            'AND c."withdrawn_at" IS NULL))',
            [purpose, ConsentChannel.IMPORTED.value, at, recorded_by, purpose],
        )
        return cursor.rowcount
