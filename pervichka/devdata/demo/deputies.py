"""Six deputies of the AMANAT faction in the Akzhar district maslikhat: the demo's deputy
login and five more; they host the demo's field receptions and answer appeals."""

from __future__ import annotations

import datetime as dt
import random

from pervichka.appeals.models import Appeal, FieldReception
from pervichka.deputies import services
from pervichka.deputies.models import Deputy
from pervichka.devdata.fake import fake_person
from pervichka.people.enums import ConsentMethod
from pervichka.people.models import Person

COUNCIL = "Акжарский районный маслихат"
TERM = "VIII созыв"
TERM_START = dt.date(2023, 3, 29)


def seed(ctx: dict) -> None:
    district = ctx["district"]
    if Deputy.objects.filter(unit=district).exists():
        ctx["deputy_records"] = list(Deputy.objects.filter(unit=district))
        return
    rng = random.Random(8008)
    admin = ctx["users"]["admin"]
    persons = [ctx["users"]["deputy"].person]
    for index in range(5):
        fake = fake_person(rng, min_age=35, max_age=62)
        persons.append(
            Person.objects.create(
                iin=fake.iin,
                surname=fake.surname,
                name=fake.name,
                patronymic=fake.patronymic,
                phone=fake.phone,
                unit=district,
                settlement=ctx["settlements"][index + 1],
                consent_method=ConsentMethod.PAPER,
                consent_at=ctx.get("now"),
            )
        )
    records = []
    for number, person in enumerate(persons, start=1):
        records.append(
            services.deputy_register(
                actor=admin,
                person=person,
                unit=district,
                council=COUNCIL,
                term=TERM,
                term_start=TERM_START,
                constituency=f"Избирательный округ №{number}",
                role_in_faction="руководитель фракции" if number == 1 else "",
            )
        )
    ctx["deputy_records"] = records
    # The receptions of the demo year get their hosts; the appeals given to "a deputy" are
    # spread over the faction.
    for reception in FieldReception.objects.filter(unit=district):
        reception.hosts.add(*rng.sample(persons, k=rng.choice([1, 2])))
    for appeal in Appeal.objects.filter(district=district, assigned_person=persons[0]):
        Appeal.objects.filter(pk=appeal.pk).update(assigned_person=rng.choice(persons))
