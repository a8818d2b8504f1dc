"""One demo login for each role. The password is printed and written in the README."""

from __future__ import annotations

import random

from pervichka.accounts.models import RoleAssignment, User
from pervichka.core.roles import Role
from pervichka.devdata.fake import fake_person
from pervichka.people.enums import ConsentMethod
from pervichka.people.models import Person

DEMO_PASSWORD = "pervichka-demo"


def _users(ctx: dict) -> list[tuple[str, str, object, bool, str]]:
    primaries = ctx["primaries"]
    return [
        # username, role, org unit, staff, what they can do
        ("admin", Role.ADMIN, ctx["district"], True, "district administrator (Akzhar)"),
        ("chair", Role.CHAIR, primaries[0], False, f"chair of {primaries[0].name_en}"),
        ("chair2", Role.CHAIR, primaries[3], False, f"chair of {primaries[3].name_en}"),
        ("operator", Role.OPERATOR, ctx["district"], False, "reception operator (Akzhar)"),
        ("youth", Role.YOUTH_WORKER, ctx["district"], False, "youth worker (Akzhar)"),
        ("trainer", Role.TRAINER, ctx["region"], False, "trainer (North Kazakhstan region)"),
        ("deputy", Role.DEPUTY, ctx["district"], False, "deputy of the district maslikhat"),
        ("auditor", Role.AUDITOR, ctx["region"], False, "auditor, read only (region)"),
        ("treasurer", Role.TREASURER, primaries[0], False, f"treasurer of {primaries[0].name_en}"),
        ("jury", Role.JUROR, ctx["district"], False, "jury member of the ideas contest (Akzhar)"),
        ("press", Role.PRESS_SECRETARY, ctx["district"], False, "press secretary (Akzhar)"),
        (
            "reporter",
            Role.CORRESPONDENT,
            primaries[0],
            False,
            f"correspondent of {primaries[0].name_en}",
        ),
    ]


def seed(ctx: dict) -> list[tuple[str, str]]:
    rng = random.Random(7)
    created = []
    ctx["users"] = {}
    chairs = ctx.get("chairs", {})
    for username, role, unit, staff, description in _users(ctx):
        user = User.objects.filter(username=username).first()
        if user is None:
            if role == Role.CHAIR and chairs.get(unit.pk):
                person = Person.objects.get(pk=chairs[unit.pk])
            else:
                fake = fake_person(rng, min_age=25, max_age=60)
                person = Person.objects.create(
                    iin=fake.iin,
                    surname=fake.surname,
                    name=fake.name,
                    patronymic=fake.patronymic,
                    phone=fake.phone,
                    unit=unit,
                    settlement=ctx["settlements"][0],
                    consent_method=ConsentMethod.PAPER,
                    consent_at=ctx.get("now"),
                )
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=person.name,
                last_name=person.surname,
                person=person,
                is_staff=staff,
            )
        if not RoleAssignment.objects.filter(
            user=user, role=role, org_unit=unit, revoked_at__isnull=True
        ).exists():
            RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
        created.append((username, description))
        ctx["users"][username] = user
    if not User.objects.filter(username="superuser").exists():
        User.objects.create_superuser("superuser", "", DEMO_PASSWORD)
    created.append(("superuser", "superuser (Django admin, everything)"))
    ctx["deputies"] = [ctx["users"]["deputy"].person]
    return created
