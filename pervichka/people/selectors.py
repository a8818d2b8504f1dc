"""Reads of persons and memberships, already limited to what the acting user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, Count, Func, Q, QuerySet
from django.db.models.lookups import Contains

from pervichka.core.iin import mask_iin
from pervichka.core.roles import Perm
from pervichka.core.scoping import (
    get_or_404,
    has_perm_anywhere,
    has_perm_at,
    scope_paths,
    scope_q,
)
from pervichka.core.tree import DISTRICT, KIND_DEPTH, ancestor_paths, depth_of
from pervichka.people.enums import MembershipStatus, TransferStatus
from pervichka.people.models import (
    Consent,
    MemberImport,
    Membership,
    Person,
    PersonTransferRequest,
    TelegramChat,
)


def persons_visible(user, *, perm: Perm = Perm.PEOPLE_VIEW) -> QuerySet[Person]:
    return Person.objects.visible_to(user, perm)


def person_get(user, pk: object, *, perm: Perm = Perm.PEOPLE_VIEW) -> Person:
    return get_or_404(persons_visible(user, perm=perm).select_related("settlement", "unit"), pk=pk)


def imports_of(user) -> QuerySet[MemberImport]:
    """The member imports the user started: only they see their files and reports."""
    return MemberImport.objects.filter(created_by=user)


def memberships_visible(user, *, perm: Perm = Perm.MEMBERS_VIEW) -> QuerySet[Membership]:
    return Membership.objects.visible_to(user, perm)


def membership_get(user, pk: object, *, perm: Perm = Perm.MEMBERS_VIEW) -> Membership:
    return get_or_404(
        memberships_visible(user, perm=perm).select_related(
            "person", "person__settlement", "primary"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    primary_id: int | None = None
    status: str = ""


_PHONE_SEPARATORS = str.maketrans("", "", " +-()\u00a0")


class _Unindexed(Func):
    """`column || ''`: the same string, which no index on the column can serve."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def _search_q(user, text: str, *, narrow: bool = False) -> Q:
    """Name, card number, IIN or phone: digits search the card number, and the IIN and phone
    only of rows whose personal data the user may see (`PEOPLE_PII` at the person's unit) —
    a masked IIN must not be recoverable by searching prefixes; letters search the name.

    `narrow`: the list is already limited to a few thousand members at most (see
    `_narrow_scope`); the name is then matched row by row on them instead of through the
    trigram index over every person in the country."""
    text = text.strip()
    if not text:
        return Q()
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    if digits and len(digits) >= len(text.translate(_PHONE_SEPARATORS)) - 1:
        pii = Q(person__iin__startswith=digits)
        if len(digits) in (10, 11) and (len(digits) == 10 or digits[0] in "78"):
            # A whole number in any format (+7 705 123 45 67, 8(705)1234567): phones are
            # kept in E.164, so this is an exact match on the indexed column.
            pii |= Q(person__phone="+7" + digits[-10:])
        elif len(digits) >= 4:
            pii |= Q(person__phone__contains=digits)
        return Q(card_number__startswith=digits) | (
            pii & scope_q(user, Perm.PEOPLE_PII, "person__unit__path")
        )
    # The same string either way, but PostgreSQL cannot take `search_name || ''` to the
    # trigram index: with the index on offer the planner, when it underestimates how
    # many people a fragment matches (three letters of a common surname match 2 % of the
    # country: 20,000 persons), walks every match nationwide and only then keeps the ones in
    # scope — 0.15–0.35 s for a chair's 100 members, against 0.5 ms when it starts from them
    # (bench/NOTES.md, "Stop 24: the member list's text search").
    name = _Unindexed("person__search_name")
    q = Q()
    for word in text.lower().split():
        q &= Q(Contains(name, word)) if narrow else Q(person__search_name__contains=word)
    return q


def _narrow_scope(user, filters: MemberFilters) -> bool:
    """Is the list limited to one primary, or to districts and primaries only (about 5,000
    members a district at national scale)? Reading those members and matching their names is
    then bounded, whatever the search, and faster than any plan that starts from the name."""
    if filters.primary_id:
        return True
    paths = scope_paths(user, Perm.MEMBERS_VIEW)
    return bool(paths) and all(depth_of(path) >= KIND_DEPTH[DISTRICT] for path in paths)


def members_list(user, filters: MemberFilters) -> QuerySet[Membership]:
    """The member registry as the list and the export show it, in one order."""
    queryset = memberships_visible(user).select_related("person", "person__settlement", "primary")
    if filters.primary_id:
        queryset = queryset.filter(primary_id=filters.primary_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.exclude(status=MembershipStatus.ARCHIVED)
    search = _search_q(user, filters.q, narrow=_narrow_scope(user, filters))
    return queryset.filter(search).order_by(
        "person__surname", "person__name", "person__patronymic", "pk"
    )


def member_counts_by_unit(user) -> dict[int, int]:
    """Active members per primary in the user's scope (the org tree shows these)."""
    rows = (
        memberships_visible(user, perm=Perm.ORGS_VIEW)
        .filter(status=MembershipStatus.ACTIVE)
        .values("primary_id")
        .annotate(n=Count("pk"))
    )
    return {row["primary_id"]: row["n"] for row in rows}


def can_see_pii(user, person: Person) -> bool:
    return has_perm_at(user, Perm.PEOPLE_PII, person.unit.path)


def iin_for(user, person: Person, *, full: bool = False) -> str:
    """The IIN as this user may read it: whole on a card for roles that need it, else masked."""
    if full and can_see_pii(user, person):
        return person.iin or ""
    return mask_iin(person.iin)


def person_memberships(user, person: Person) -> QuerySet[Membership]:
    return memberships_visible(user).filter(person=person).select_related("primary")


def member_counts_on(primary_ids: list[int], day) -> dict[int, int]:
    """Members of each primary on `day` (joined by then and not left before it): the
    denominator of the rating's figures per 100 members. Not scoped: a count, no names."""
    rows = (
        Membership.objects.filter(primary_id__anyof=primary_ids, joined__lte=day)
        .filter(Q(left__isnull=True) | Q(left__gt=day))
        .values("primary_id")
        .annotate(n=Count("pk"))
    )
    return {row["primary_id"]: row["n"] for row in rows}


def person_linkable(user, person: Person, unit, *, granted_only: bool = False) -> bool:
    """May `user` bring `person` into a record of `unit`? Yes when the person's record is in
    the user's scope, or its keeper approved a request to use it from `unit` or above."""
    if not granted_only and has_perm_at(user, Perm.PEOPLE_VIEW, person.unit.path):
        return True
    return PersonTransferRequest.objects.filter(
        person=person,
        status=TransferStatus.APPROVED,
        to_unit__path__in=ancestor_paths(unit.path, include_self=True),
    ).exists()


def transfers_to_decide(user) -> QuerySet[PersonTransferRequest]:
    """Requests to use records the user keeps (PEOPLE_MANAGE where the record is kept)."""
    return (
        PersonTransferRequest.objects.visible_to(user, Perm.PEOPLE_MANAGE)
        .select_related("person", "person__unit", "to_unit", "requested_by")
        .order_by("status", "-created_at")
    )


def transfers_requested_by(user) -> QuerySet[PersonTransferRequest]:
    """The user's own requests: purpose, organization, status — nothing of the person."""
    return (
        PersonTransferRequest.objects.filter(requested_by=user)
        .select_related("to_unit")
        .order_by("-created_at")
    )


def persons_with_iin(user, iin: str) -> QuerySet[Person]:
    """The `?iin=` filter: only among persons whose IIN the user may read. A user who may
    read no IIN anywhere is refused (a filter must not confirm what the list masks)."""
    if not has_perm_anywhere(user, Perm.PEOPLE_PII):
        raise PermissionError("iin filter")
    return persons_visible(user, perm=Perm.PEOPLE_PII).filter(iin=iin.strip())


# --- the consent register: what other apps ask before they process ---------------------


def consent_active(person_id: int, purpose: str) -> bool:
    """Whether the person has an open consent to `purpose` on record."""
    return Consent.objects.filter(
        person_id=person_id, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def consent_withdrawn(person_id: int, purpose: str) -> bool:
    """Whether the person withdrew their consent to `purpose` and gave none since: the
    processing the purpose covers stops (no new event participation, no follow-ups of a
    youth case, no outreach, no publication)."""
    rows = Consent.objects.filter(person_id=person_id, purpose=purpose)
    return (
        rows.filter(withdrawn_at__isnull=False).exists()
        and not rows.filter(withdrawn_at__isnull=True).exists()
    )


def persons_consent_withdrawn(purpose: str) -> QuerySet[Person]:
    """Persons whose consent to `purpose` is withdrawn (for excluding them from a batch)."""
    open_ids = Consent.objects.filter(purpose=purpose, withdrawn_at__isnull=True).values(
        "person_id"
    )
    return Person.objects.filter(
        consents__purpose=purpose, consents__withdrawn_at__isnull=False
    ).exclude(pk__in=open_ids)


def consents_of(user, person: Person) -> QuerySet[Consent]:
    """A person's consents, every purpose, newest first, for whoever may see the person."""
    return (
        Consent.objects.visible_to(user, Perm.PEOPLE_VIEW)
        .filter(person=person)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("-given_at", "-pk")
    )


def consent_get(user, pk: object, *, perm: Perm = Perm.PEOPLE_MANAGE) -> Consent:
    return get_or_404(Consent.objects.visible_to(user, perm).select_related("person__unit"), pk=pk)


# --- subject requests ------------------------------------------


def subject_find(user, iin: str) -> Person | None:
    """The person with this IIN within the user's scope for subject requests; a person kept
    elsewhere is answered exactly like nobody."""
    iin = (iin or "").strip()
    if not iin:
        return None
    return (
        Person.objects.visible_to(user, Perm.PRIVACY_SUBJECTS)
        .select_related("unit", "settlement")
        .filter(iin=iin)
        .first()
    )


def subject_get(user, pk: object) -> Person:
    return get_or_404(
        Person.objects.visible_to(user, Perm.PRIVACY_SUBJECTS).select_related("unit"), pk=pk
    )


def telegram_chat(chat_id: int) -> TelegramChat | None:
    """The bot's record of a chat (for the bot itself: the chat is its own key)."""
    return (
        TelegramChat.objects.select_related("person", "settlement", "unit__settlement")
        .filter(chat_id=chat_id)
        .first()
    )


def telegram_chat_reachable(chat_id: int) -> bool:
    """May the bot write to this chat unasked (a status change, an announcement)? Not after
    /stop."""
    return TelegramChat.objects.filter(chat_id=chat_id, stopped_at__isnull=True).exists()


def persons_with_open_consent(purpose: str, *, under_path: str) -> QuerySet[Person]:
    """Persons kept in the subtree at `under_path` with an open consent to `purpose` (for a
    news item's photos: the people its author may name)."""
    return (
        Person.objects.filter(
            unit__path__startswith=under_path,
            consents__purpose=purpose,
            consents__withdrawn_at__isnull=True,
        )
        .distinct()
        .order_by("surname", "name", "pk")
    )


def open_consents(person_ids, purpose: str) -> dict[int, Consent]:
    """The open consent to `purpose` of each of the persons that has one, by person id."""
    rows = Consent.objects.filter(
        person_id__in=list(person_ids), purpose=purpose, withdrawn_at__isnull=True
    )
    return {row.person_id: row for row in rows}


ADULT_AGE = 18


def is_minor(person: Person, on: dt.date) -> bool:
    """Under 18 on `on` (the birth date the IIN gives); unknown birth date counts as adult."""
    born = person.birth_date
    if born is None:
        return False
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age < ADULT_AGE
