"""A year of party projects in the demo district: events of every project with participants
and volunteers, spending from the project funds, and targets. The plantings at the ТазаLike
events are devdata.demo.greening's, the contest's ideas devdata.demo.ideas'."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from pervichka.devdata.fake import not_on_a_holiday
from pervichka.dues import services as dues_services
from pervichka.orgs.models import Settlement
from pervichka.people.models import Person
from pervichka.projects import services
from pervichka.projects.enums import ORLEU, SOCIUM, TAZALIKE, EventStatus
from pervichka.projects.models import Event, Project

# Around Talshik, the district's centre; the villages lie within ~40 km (generated positions).
CENTRE = (Decimal("53.640"), Decimal("69.350"))

EVENTS = {
    TAZALIKE: [
        "Посадка берёз вдоль улицы",
        "Озеленение школьного двора",
        "Субботник и посадка саженцев у дома культуры",
        "Посадка лесополосы вдоль дороги",
        "Акция «Дерево выпускника»",
        "Полив и уход за саженцами",
    ],
    SOCIUM: [
        "Помощь пожилым: заготовка дров",
        "Благотворительная ярмарка",
        "Субботник на сельском кладбище",
        "Концерт для ветеранов",
        "Сбор одежды для многодетных семей",
    ],
    ORLEU: [
        "Футбольный турнир сельской молодёжи",
        "Встреча выпускников с работодателями",
        "Профориентация для старшеклассников",
        "Молодёжный форум района",
        "Волонтёрский лагерь",
    ],
}
RESULTS = [
    "Участвовали жители села и волонтёры первичной организации.",
    "Работа выполнена полностью; жители просили повторить весной.",
    "Привлекли школьников и молодёжь; акимат помог техникой.",
]


def place_near(settlement: Settlement, rng: random.Random) -> tuple[Decimal, Decimal]:
    jitter = Decimal(rng.randrange(-60, 60)) / Decimal(10000)
    jitter2 = Decimal(rng.randrange(-90, 90)) / Decimal(10000)
    return settlement.latitude + jitter, settlement.longitude + jitter2


def _coordinates(ctx: dict, rng: random.Random) -> None:
    """Demo villages get positions around the district's centre once."""
    for index, settlement in enumerate(ctx["settlements"]):
        if settlement.latitude is None:
            angle_lat = Decimal(rng.randrange(-25, 25)) / Decimal(100)
            angle_lon = Decimal(rng.randrange(-45, 45)) / Decimal(100)
            lat = CENTRE[0] if index == 0 else CENTRE[0] + angle_lat
            lon = CENTRE[1] if index == 0 else CENTRE[1] + angle_lon
            Settlement.objects.filter(pk=settlement.pk).update(latitude=lat, longitude=lon)
            settlement.latitude, settlement.longitude = lat, lon


def seed(ctx: dict) -> None:
    if Event.objects.filter(primary__in=ctx["primaries"]).exists():
        return
    rng = random.Random(7007)
    today = timezone.localdate()
    admin = ctx["users"]["admin"]
    for settlement in ctx["settlements"]:
        settlement.refresh_from_db()
    _coordinates(ctx, rng)
    projects = {p.code: p for p in Project.objects.all()}
    _targets(ctx, projects, admin, today.year)
    people = _volunteer_pool(ctx, rng)
    events = _events(ctx, projects, people, admin, rng, today)
    _spending(events, admin, rng)


def _targets(ctx, projects, admin, year: int) -> None:
    district = ctx["district"]
    plan = {
        TAZALIKE: {
            "trees_planted": 3000,
            "tree_survival_rate": 80,
            "events_held": 24,
            "volunteer_hours": 900,
        },
        SOCIUM: {"events_held": 12, "participants": 200},
        ORLEU: {"events_held": 12, "participants": 300, "volunteer_hours": 400},
    }
    for code, targets in plan.items():
        for kpi, target in targets.items():
            services.target_set(
                actor=admin,
                project=projects[code],
                unit=district,
                year=year,
                kpi=kpi,
                target=Decimal(target),
            )
    for primary in ctx["primaries"][:4]:
        services.target_set(
            actor=admin,
            project=projects[TAZALIKE],
            unit=primary,
            year=year,
            kpi="trees_planted",
            target=Decimal(300),
        )


def _volunteer_pool(ctx, rng: random.Random) -> dict[int, list[Person]]:
    pool = {}
    for primary in ctx["primaries"]:
        people = list(
            Person.objects.filter(memberships__primary=primary).order_by("pk")[:40]
        ) + list(Person.objects.filter(youth_profile__primary=primary).order_by("pk")[:20])
        rng.shuffle(people)
        pool[primary.pk] = people
    return pool


def _events(ctx, projects, people, admin, rng: random.Random, today: dt.date) -> list[Event]:
    events = []
    start = today - dt.timedelta(days=365)
    for index in range(72):
        code = [TAZALIKE, TAZALIKE, SOCIUM, ORLEU][index % 4]
        primary = ctx["primaries"][rng.randrange(len(ctx["primaries"]))]
        if code == TAZALIKE:  # planting seasons: April–May and September–October
            month = rng.choice([4, 5, 5, 9, 10])
            year = today.year if dt.date(today.year, month, 28) <= today else today.year - 1
            date = dt.date(year, month, rng.randrange(1, 28))
        else:
            date = start + dt.timedelta(days=rng.randrange(0, 395))
        date = not_on_a_holiday(date)
        settlement = primary.settlement
        lat, lon = place_near(settlement, rng)
        event = services.event_create(
            actor=admin,
            project=projects[code],
            primary=primary,
            data=services.EventData(
                title=rng.choice(EVENTS[code]),
                date=date,
                settlement=settlement,
                place=rng.choice(["центральная улица", "школа", "дом культуры", "парк", ""]),
                latitude=lat,
                longitude=lon,
                description="Подготовка: объявление в WhatsApp-группе села, список волонтёров.",
            ),
        )
        if date <= today:
            if rng.random() < 0.06:
                services.event_set_status(actor=admin, event=event, status=EventStatus.CANCELLED)
            else:
                event = services.event_set_status(
                    actor=admin, event=event, status=EventStatus.HELD, results=rng.choice(RESULTS)
                )
                for person in rng.sample(
                    people[primary.pk], k=min(len(people[primary.pk]), rng.randrange(4, 14))
                ):
                    volunteer = rng.random() < 0.6
                    services.participant_add(
                        actor=admin,
                        event=event,
                        person=person,
                        role="volunteer" if volunteer else "participant",
                        hours=Decimal(rng.choice([2, 3, 3, 4, 5, 6])) if volunteer else 0,
                    )
        event.refresh_from_db()
        events.append(event)
    return events


def _spending(events, admin, rng: random.Random) -> None:
    held = [e for e in events if e.status == EventStatus.HELD]
    for event in held[:14]:
        amount = Decimal(rng.choice([3000, 4500, 6000, 8000]))
        try:
            event = services.event_request_funds(
                actor=admin, event=event, amount=amount, purpose=f"{event.title}: материалы"
            )
            if rng.random() < 0.75:
                dues_services.spending_approve(
                    actor=admin, request=event.spending, reason="В пределах фонда первички"
                )
        except ValidationError:
            continue  # the fund held too little: the request stays waiting, as in life
