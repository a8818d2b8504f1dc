"""The ideas contest in the demo district: 60 residents' ideas from the portal, moderated
(published, rejected, merged, some waiting), with the jury's scores and verified votes."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.devdata.fake import fake_person
from pervichka.ideas import services
from pervichka.ideas.enums import IdeaStatus
from pervichka.ideas.models import Contest, Idea, Vote
from pervichka.people.enums import ConsentMethod
from pervichka.people.services import PersonData

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


def seed(ctx: dict) -> None:
    if Contest.objects.filter(district=ctx["district"]).exists():
        return
    _ideas(ctx, random.Random(7009), timezone.localdate())


def _ideas(ctx, rng: random.Random, today: dt.date) -> None:
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
