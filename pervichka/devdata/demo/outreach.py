"""Work with citizens in the demo district: categories over its people, five segments, a
year of meetings and door-to-door visits per primary (planned and held, some missed), with
the questions residents raised, a few of them registered as appeals."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from pervichka.appeals.models import Category
from pervichka.core.calendar import calendar
from pervichka.outreach import services
from pervichka.outreach.enums import RECORDED, CitizenCategory, Membership
from pervichka.outreach.models import Meeting, PersonCategory, Segment
from pervichka.people.models import Person

TOPICS = [
    "Ремонт дорог в селе",
    "Уличное освещение",
    "Питьевая вода",
    "Работа для молодёжи",
    "Льготы многодетным семьям",
    "Здоровье пожилых: выездной приём врачей",
    "Субсидии фермерам",
    "Автобус до районного центра",
]
QUESTIONS = [
    "Когда отремонтируют дорогу к школе?",
    "Не горят фонари на нашей улице с осени.",
    "Вода из колонки мутная, просим проверить.",
    "Как получить пособие на четвёртого ребёнка?",
    "Нужен пандус у сельской амбулатории.",
    "Почему автобус ходит только два раза в неделю?",
]


def _working(day: dt.date) -> dt.date:
    cal = calendar()
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def seed(ctx: dict) -> None:
    if Segment.objects.filter(unit=ctx["district"]).exists():
        return
    rng = random.Random(1717)
    today = timezone.localdate()
    admin, chair, operator = ctx["users"]["admin"], ctx["users"]["chair"], ctx["users"]["operator"]
    people = list(Person.objects.filter(unit__path__startswith=ctx["district"].path)[:2000])
    records = [
        PersonCategory(
            person=p,
            category=rng.choice(RECORDED).value,
            source=rng.choice(["document", "self", "meeting", "list"]),
            noted_on=today - dt.timedelta(days=rng.randrange(30, 700)),
            recorded_by=admin,
        )
        for p in rng.sample(people, min(len(people), len(people) // 4))
    ]
    PersonCategory.objects.bulk_create(records, ignore_conflicts=True)
    villages = list(ctx["settlements"])
    district, first = ctx["district"], ctx["primaries"][0]
    for unit, name, filters, villages_of in (
        (district, "Пенсионеры района", {"categories": [CitizenCategory.PENSIONER]}, []),
        (district, "Многодетные семьи", {"categories": [CitizenCategory.LARGE_FAMILY]}, []),
        (
            district,
            "Молодёжь, не члены партии",
            {"categories": [CitizenCategory.YOUTH], "membership": Membership.NON_MEMBERS},
            [],
        ),
        (
            district,
            "Фермеры и предприниматели",
            {"categories": [CitizenCategory.FARMER, CitizenCategory.ENTREPRENEUR]},
            [],
        ),
        (first, "Пенсионеры двух сёл", {"categories": [CitizenCategory.PENSIONER]}, villages[:2]),
    ):
        actor = admin if unit == district else chair
        services.segment_save(
            actor=actor, segment=Segment(unit=unit, name=name, **filters), settlements=villages_of
        )
    categories = list(Category.objects.filter(district=district))
    for primary in ctx["primaries"]:
        village = primary.settlement or villages[0]
        for month_back in range(12, -2, -1):
            day = (today.replace(day=1) - dt.timedelta(days=30 * month_back)).replace(
                day=rng.randrange(3, 26)
            )
            day = _working(day)
            planned = rng.random() < 0.85
            held = day <= today and rng.random() < (0.8 if planned else 1)
            if not planned and not held:
                continue
            meeting = services.meeting_save(
                actor=admin,
                meeting=Meeting(
                    unit=primary,
                    kind=rng.choice(["meeting", "visit"]),
                    topic=rng.choice(TOPICS),
                    settlement=village,
                    planned_for=day if planned else None,
                    held_on=day if held else None,
                    categories=rng.sample([c.value for c in CitizenCategory], rng.randrange(1, 3)),
                    people_reached=rng.randrange(8, 60) if held else 0,
                    who_went="Председатель, секретарь первички",
                ),
            )
            if not held:
                continue
            for _ in range(rng.randrange(0, 3)):
                question = services.question_add(
                    actor=admin,
                    meeting=meeting,
                    text=rng.choice(QUESTIONS),
                    surname=rng.choice(["Ахметов", "Смирнова", "Жумабаева", "Ким"]),
                    name=rng.choice(["Серик", "Ольга", "Айгуль", "Виктор"]),
                    phone=f"+7705{rng.randrange(1000000, 9999999)}",
                    consent=True,
                )
                if categories and rng.random() < 0.4 and today - day < dt.timedelta(days=300):
                    # A question that does not fit (a similar appeal) stays a question.
                    with contextlib.suppress(ValidationError):
                        services.question_to_appeal(
                            actor=operator,
                            question=question,
                            category=rng.choice(categories),
                            confirm_duplicate=True,
                        )
