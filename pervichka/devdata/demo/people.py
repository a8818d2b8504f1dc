"""About a hundred generated members in each demo primary (both districts), with chairs and
secretaries."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pervichka.devdata.fake import fake_person
from pervichka.orgs.enums import PositionKind
from pervichka.orgs.models import Position
from pervichka.people.enums import ConsentMethod, LeaveReason, MembershipStatus
from pervichka.people.models import Consent, Membership, Person


def seed(ctx: dict) -> None:
    rng = random.Random(20261129)
    today = timezone.localdate()
    now = timezone.now()
    chairs = {}
    # The second district's primaries (a scope check across districts) come after the
    # first district's, so their card numbers follow on.
    for primary_index, primary in enumerate(ctx["primaries"] + ctx.get("other_primaries", [])):
        existing = Membership.objects.filter(primary=primary).count()
        size = rng.randrange(85, 116)
        if existing:
            chairs[primary.pk] = (
                Position.objects.filter(org_unit=primary, kind=PositionKind.CHAIR, end__isnull=True)
                .values_list("person", flat=True)
                .first()
            )
            continue
        persons, memberships = [], []
        for n in range(size):
            fake = fake_person(rng, min_age=18, max_age=78, today=today)
            while Person.objects.filter(iin=fake.iin).exists() or any(
                p.iin == fake.iin for p in persons
            ):
                fake = fake_person(rng, min_age=18, max_age=78, today=today)
            person = Person(
                iin=fake.iin,
                surname=fake.surname,
                name=fake.name,
                patronymic=fake.patronymic,
                phone=fake.phone,
                address=fake.address,
                settlement=primary.settlement,
                unit=primary,
                consent_at=now,
                consent_method=ConsentMethod.PAPER,
            )
            person.derive()
            persons.append(person)
            joined = today - dt.timedelta(days=rng.randrange(30, 365 * 12))
            status, left, reason = MembershipStatus.ACTIVE, None, ""
            roll = rng.random()
            if roll < 0.05 and n > 2:
                status, reason = MembershipStatus.ARCHIVED, rng.choice(LeaveReason.values)
                left = min(today, joined + dt.timedelta(days=rng.randrange(30, 900)))
            elif roll < 0.08 and n > 2:
                status = MembershipStatus.SUSPENDED
            memberships.append(
                Membership(
                    person=person,
                    primary=primary,
                    joined=joined,
                    left=left,
                    leave_reason=reason,
                    status=status,
                    card_number=f"{primary_index + 1:02d}{n + 1:04d}",
                )
            )
        bulk_create_with_history(persons, Person, batch_size=500, default_change_reason="demo data")
        for membership in memberships:
            membership.person_id = membership.person.pk
        bulk_create_with_history(
            memberships, Membership, batch_size=500, default_change_reason="demo data"
        )
        # Their signed consents to membership, in the consent register (issue 13).
        Consent.objects.bulk_create(
            [
                Consent(person=p, purpose="membership", channel="paper", given_at=now)
                for p in persons
            ],
            batch_size=500,
        )
        Position.objects.create(
            org_unit=primary,
            person=persons[0],
            kind=PositionKind.CHAIR,
            start=today - dt.timedelta(days=rng.randrange(100, 1500)),
        )
        Position.objects.create(
            org_unit=primary,
            person=persons[1],
            kind=PositionKind.SECRETARY,
            start=today - dt.timedelta(days=rng.randrange(100, 1500)),
        )
        chairs[primary.pk] = persons[0].pk
    ctx["chairs"] = chairs
