"""factory_boy factories with no surprises: generated people, valid IINs, explicit units."""

import datetime as dt
import random

import factory
from django.utils import timezone

from pervichka.accounts.models import RoleAssignment, User
from pervichka.devdata.fake import fake_person
from pervichka.orgs.enums import OrgKind, SettlementKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.people.enums import ConsentMethod, MembershipStatus
from pervichka.people.models import Membership, Person

_rng = random.Random(42)
_used_iins: set[str] = set()


def unique_fake():
    while True:
        fake = fake_person(_rng)
        if fake.iin not in _used_iins:
            _used_iins.add(fake.iin)
            return fake


def make_unit(parent: OrgUnit | None, kind: str, name: str, **fields) -> OrgUnit:
    if parent is None:
        return OrgUnit.objects.add_root(create_kwargs={"kind": kind, "name": name, **fields})
    return OrgUnit.objects.add_child(parent, create_kwargs={"kind": kind, "name": name, **fields})


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    kato = factory.Sequence(lambda n: f"59{n + 1:07d}")
    name = factory.Sequence(lambda n: f"Село {n}")
    name_kk = factory.Sequence(lambda n: f"{n} ауылы")
    kind = SettlementKind.VILLAGE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        fake = factory.LazyFunction(unique_fake)

    iin = factory.LazyAttribute(lambda o: o.fake.iin)
    surname = factory.LazyAttribute(lambda o: o.fake.surname)
    name = factory.LazyAttribute(lambda o: o.fake.name)
    patronymic = factory.LazyAttribute(lambda o: o.fake.patronymic)
    phone = factory.LazyAttribute(lambda o: o.fake.phone)
    address = factory.LazyAttribute(lambda o: o.fake.address)
    consent_at = factory.LazyFunction(timezone.now)
    consent_method = ConsentMethod.PAPER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory, unit=factory.SelfAttribute("..primary"))
    joined = dt.date(2020, 1, 15)
    status = MembershipStatus.ACTIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Тест"
    last_name = factory.Sequence(lambda n: f"Пользователь {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user: User, role: str, unit: OrgUnit) -> User:
    RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    return user


__all__ = [
    "MembershipFactory",
    "OrgKind",
    "PersonFactory",
    "SettlementFactory",
    "UserFactory",
    "grant",
    "make_unit",
]
