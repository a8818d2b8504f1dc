"""A year of party projects in the demo district: events of every project with participants
and volunteers, ТазаLike plantings with survival checks on a map, spending from the project
funds, targets, and the ideas contest with 60 ideas, jury scores and votes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from pervichka.devdata.fake import fake_person
from pervichka.dues import services as dues_services
from pervichka.orgs.models import Settlement
from pervichka.people.enums import ConsentMethod
from pervichka.people.models import Person
from pervichka.people.services import PersonData
from pervichka.projects import services
from pervichka.projects.enums import IDEAS30, ORLEU, SOCIUM, TAZALIKE, EventStatus, IdeaStatus
from pervichka.projects.models import Event, Idea, Project, Vote

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
SPECIES = [
    ("берёза", "street"),
    ("вяз", "roadside"),
    ("тополь", "shelter_belt"),
    ("клён", "school"),
    ("сирень", "yard"),
    ("яблоня", "yard"),
    ("сосна", "school"),
]
IDEAS = [
    (
        "Солнечные фонари на остановках",
        "Установить на автобусных остановках фонари на "
        "солнечных батареях, чтобы школьники и пожилые не ждали автобус в темноте.",
    ),
    (
        "Молодёжный коворкинг в доме культуры",
        "Оборудовать комнату в доме культуры с "
        "интернетом и ноутбуками, где молодёжь может учиться онлайн и работать удалённо.",
    ),
    (
        "Онлайн-запись к врачу для пожилых",
        "Волонтёры помогают пожилым записываться к врачу "
        "через eGov и напоминают о приёме по телефону.",
    ),
    (
        "Сортировка мусора в селе",
        "Поставить контейнеры для пластика и стекла и договориться "
        "с переработчиком в Петропавловске о вывозе раз в месяц.",
    ),
    (
        "Кружок робототехники в школе",
        "Открыть кружок робототехники на базе школы; наборы "
        "закупить из фонда проектов, вести занятия — студентам-волонтёрам.",
    ),
    (
        "Ярмарка фермерской продукции",
        "Ежемесячная ярмарка выходного дня, где фермеры района "
        "продают мясо, молоко и овощи без посредников.",
    ),
    (
        "Спортивная площадка у школы",
        "Построить уличные тренажёры и турники у школы силами "
        "жителей; материалы — спонсоры и фонд проектов.",
    ),
    (
        "Капельный полив для посадок ТазаLike",
        "Провести капельный полив к новым посадкам, чтобы саженцы приживались в засушливое лето.",
    ),
    (
        "Школа молодого фермера",
        "Курсы для молодёжи о ведении хозяйства, субсидиях и кредитах «Ауыл шаруашылығы».",
    ),
    (
        "Тревожная кнопка для одиноких пожилых",
        "Раздать одиноким пожилым простые телефоны с кнопкой вызова соседа-волонтёра.",
    ),
    (
        "Сельский краеведческий уголок",
        "Собрать в библиотеке фотографии и истории села, "
        "записать воспоминания старожилов на видео.",
    ),
    (
        "Общий инструмент для соседей",
        "Пункт проката инструмента при первичке: бензопила, мотокоса, бетономешалка — по записи.",
    ),
    (
        "Wi-Fi в сельской библиотеке",
        "Подключить бесплатный Wi-Fi в библиотеке, чтобы школьники "
        "могли делать уроки и сдавать онлайн-тесты.",
    ),
    (
        "Курсы казахского языка для взрослых",
        "Вечерние занятия по казахскому языку для жителей, ведут учителя-волонтёры.",
    ),
    (
        "Электронная очередь на газ",
        "Прозрачная очередь на подключение к газу с номером в "
        "онлайн-списке, чтобы каждый видел своё место.",
    ),
    (
        "Зимний каток во дворе школы",
        "Заливать каток зимой силами старшеклассников и родителей; коньки — по обмену.",
    ),
    (
        "Маршрут школьного автобуса по запросу",
        "Онлайн-заявки родителей на маршрут школьного автобуса из дальних аулов.",
    ),
    (
        "Теплица при школе",
        "Теплица, где ученики выращивают рассаду для посадок ТазаLike и "
        "овощи для школьной столовой.",
    ),
    (
        "Фестиваль народных ремёсел",
        "Летний фестиваль, где мастера показывают ремёсла и "
        "продают изделия, приезжают гости из района.",
    ),
    (
        "Клуб молодых родителей",
        "Встречи молодых мам и пап с педиатром и психологом раз в месяц при доме культуры.",
    ),
]
REJECT_REASONS = [
    "Это вопрос для обращения в акимат, а не идея для конкурса: передали в общественную приёмную.",
    "Идея повторяет уже опубликованную; объединять не стали, автор может поддержать её голосом.",
    "Не хватает описания: что сделать и для кого. Пришлите идею ещё раз подробнее.",
]


def _place(settlement: Settlement, rng: random.Random) -> tuple[Decimal, Decimal]:
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
    _plantings(ctx, projects[TAZALIKE], events, admin, rng, today)
    _spending(events, admin, rng)
    _ideas(ctx, projects[IDEAS30], rng, today)


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
        settlement = primary.settlement
        lat, lon = _place(settlement, rng)
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


def _plantings(ctx, project, events, admin, rng: random.Random, today: dt.date) -> None:
    greening = [e for e in events if e.project_id == project.pk and e.status == EventStatus.HELD]
    for event in greening:
        for _ in range(rng.randrange(1, 4)):
            species, site = rng.choice(SPECIES)
            lat, lon = _place(event.settlement, rng)
            planting = services.planting_create(
                actor=admin,
                project=project,
                primary=event.primary,
                data=services.PlantingData(
                    planted_on=event.date,
                    settlement=event.settlement,
                    species=species,
                    count=rng.choice([10, 15, 20, 25, 30, 40, 50, 80]),
                    site_kind=site,
                    planted_by=rng.choice(
                        ["волонтёры первички", "школьники и учителя", "жители улицы"]
                    ),
                    latitude=lat,
                    longitude=lon,
                    event=event,
                ),
            )
            # A check about three months later, and one after the winter for older ones.
            for months in (3, 12):
                day = planting.planted_on + dt.timedelta(days=30 * months)
                if day <= today:
                    share = rng.choice([0.35, 0.6, 0.75, 0.85, 0.9, 0.95, 1.0])
                    services.survival_check_add(
                        actor=admin,
                        planting=planting,
                        checked_on=day,
                        alive=int(planting.count * share),
                        note="пересчитали после зимы" if months == 12 else "",
                    )


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


def _ideas(ctx, project, rng: random.Random, today: dt.date) -> None:
    district = ctx["district"]
    contest = services.contest_for(district, today.year)
    jury = ctx["users"].get("jury")
    admin = ctx["users"]["admin"]
    ideas = []
    for index in range(60):
        title, text = IDEAS[index % len(IDEAS)]
        settlement = ctx["settlements"][index % len(ctx["settlements"])]
        fake = fake_person(rng, min_age=18, max_age=70, today=today)
        idea, _created = services.idea_submit_public(
            settlement=settlement,
            data=PersonData(
                surname=fake.surname,
                name=fake.name,
                patronymic=fake.patronymic,
                phone=fake.phone,
                settlement=settlement,
                consent_method=ConsentMethod.ELECTRONIC,
            ),
            title=f"{title} ({settlement})" if index >= len(IDEAS) else title,
            text=text,
            idempotency_key=f"demo-idea-{index:04d}",
            today=today,
        )
        submitted = timezone.now() - dt.timedelta(days=rng.randrange(3, 200))
        Idea.objects.filter(pk=idea.pk).update(submitted_at=submitted)
        ideas.append(idea)
    published = []
    for index, idea in enumerate(ideas):
        if index < 44:
            published.append(
                services.idea_moderate(actor=admin, idea=idea, to=IdeaStatus.PUBLISHED)
            )
        elif index < 50:
            services.idea_moderate(
                actor=admin, idea=idea, to=IdeaStatus.REJECTED, reason=rng.choice(REJECT_REASONS)
            )
        elif index < 54:
            services.idea_moderate(
                actor=admin,
                idea=idea,
                to=IdeaStatus.MERGED,
                reason="Похожая идея уже опубликована.",
                merge_into=published[index - 50],
            )
        # the rest wait for moderation
    criteria = list(contest.criteria.all())
    for idea in published:
        # Votes as the SMS codes would have left them: one keyed hash per phone number.
        n = rng.randrange(0, 60)
        Vote.objects.bulk_create(
            Vote(idea=idea, voter=services.voter_key(f"+7705{idea.pk:03d}{voter:04d}"))
            for voter in range(n)
        )
        Idea.objects.filter(pk=idea.pk).update(votes_count=n)
        if jury is not None and rng.random() < 0.8:
            services.jury_score(
                actor=jury,
                idea=idea,
                scores={c.pk: rng.randrange(3, 11) for c in criteria},
            )
