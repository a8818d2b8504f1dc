"""About 300 appeals of the last year in the demo district, in every state, some overdue;
a reception office, field receptions held and planned.

Built directly (not through the services) so that every step carries its own date in the
past; the numbers, codes and deadlines come from the same functions the services use.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.appeals.enums import (
    Action,
    Channel,
    FieldReceptionStatus,
    Outcome,
    Satisfaction,
    Status,
)
from pervichka.appeals.models import (
    Appeal,
    AppealEvent,
    BotAppeal,
    FieldReception,
    ReceptionOffice,
)
from pervichka.appeals.searching import fill_search_keys
from pervichka.appeals.services import (
    _next_number,
    categories_ensure,
    new_tracking_code,
    rules_for,
)
from pervichka.core.calendar import calendar
from pervichka.devdata.fake import fake_person, next_working_day
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.people.enums import ConsentMethod
from pervichka.people.models import Person, TelegramChat

SUBJECTS = {
    "housing": [
        "Прошу помочь с ремонтом крыши дома, протекает во время дождей.",
        "Стою в очереди на жильё с 2015 года, прошу разъяснить мою очередь.",
    ],
    "utilities": [
        "В селе третью неделю нет воды в водопроводе, просим принять меры.",
        "Перебои с электричеством по вечерам на нашей улице.",
        "Котельная школы плохо отапливает, дети сидят в куртках.",
    ],
    "roads": [
        "Дорога от трассы до села разбита, после дождей не проехать.",
        "Просим установить остановку и продлить рейс автобуса до райцентра.",
        "На улице нет освещения, зимой дети идут в школу в темноте.",
    ],
    "land": [
        "Не могу оформить земельный участок под огород, прошу помочь.",
        "Сосед занял часть пастбища, прошу разобраться.",
    ],
    "employment": [
        "Ищу работу по специальности тракторист, прошу содействия.",
        "Сын окончил колледж, не может найти работу в селе.",
    ],
    "social": [
        "Прошу помочь с оформлением адресной социальной помощи.",
        "Многодетная семья, просим помощь с углём на зиму.",
    ],
    "health": [
        "В ФАПе нет фельдшера уже два месяца.",
        "Прошу помочь с направлением на операцию в областную больницу.",
    ],
    "education": [
        "Просим открыть мини-центр для детей дошкольного возраста.",
        "В школе не хватает учителя математики.",
    ],
    "agriculture": [
        "Прошу разъяснить условия субсидии на маточное поголовье.",
        "Нет ветеринара для вакцинации скота.",
    ],
    "law": [
        "Бродячие собаки на улицах села, просим принять меры.",
        "Шумные компании по ночам у магазина.",
    ],
    "other": [
        "Благодарим за помощь с ремонтом клуба, просим поддержать кружки.",
        "Прошу организовать встречу с депутатом маслихата.",
    ],
}
ANSWERS = {
    Outcome.SOLVED: "Вопрос решён: работы выполнены, результат проверен на месте.",
    Outcome.EXPLAINED: "Даны разъяснения о порядке и сроках; рекомендовано обратиться в акимат.",
    Outcome.REFUSED: "В удовлетворении отказано: вопрос не относится к полномочиям, "
    "разъяснён порядок обжалования и куда обратиться.",
}


def _on_a_working_day(when: dt.datetime) -> dt.datetime:
    """The same time on `when`'s date or the first working day after it."""
    day = next_working_day(timezone.localtime(when).date())
    return when + dt.timedelta(days=(day - timezone.localtime(when).date()).days)


def seed(ctx: dict) -> None:
    district = ctx["district"]
    categories = {c.code: c for c in categories_ensure(district=district)}
    rules_for(district)
    office, _created = ReceptionOffice.objects.get_or_create(
        unit=district,
        name="Общественная приёмная партии «AMANAT» Акжарского района",
        defaults={
            "name_kk": "«AMANAT» партиясының Ақжар аудандық қоғамдық қабылдауы",
            "name_en": "AMANAT public reception office, Akzhar district",
            "settlement": ctx["settlements"][0],
            "address": "с. Талшик, ул. Абая, 1",
            "hours": "Пн–Пт 9:00–18:00, обед 13:00–14:00",
            "phone": "+77153221234",
        },
    )
    if Appeal.objects.filter(district=district).exists():
        return
    rng = random.Random(3003)
    now = timezone.now()
    today = timezone.localdate()
    cal = calendar()
    operator = ctx["users"]["operator"]
    admin = ctx["users"]["admin"]
    chairs = {unit.pk: ctx["users"].get("chair") for unit in ctx["primaries"][:1]}
    chairs[ctx["primaries"][3].pk] = ctx["users"].get("chair2")
    deputies = ctx.get("deputies") or []

    receptions = []
    for index in range(10):
        when = _on_a_working_day(
            now - dt.timedelta(days=330 - index * 33, hours=-rng.randrange(0, 4))
        )
        receptions.append(
            FieldReception.objects.create(
                unit=district,
                starts_at=when.replace(hour=10, minute=0, second=0, microsecond=0),
                settlement=rng.choice(ctx["settlements"][1:]),
                place="Сельский клуб",
                hosts_note="Депутат районного маслихата, председатель районного филиала",
                status=FieldReceptionStatus.HELD,
            )
        )
    for index in range(4):
        when = _on_a_working_day(now + dt.timedelta(days=7 + index * 12))
        FieldReception.objects.create(
            unit=district,
            starts_at=when.replace(hour=11, minute=0, second=0, microsecond=0),
            settlement=ctx["settlements"][1 + index * 2],
            place="Здание сельского акимата",
            hosts_note="Депутаты фракции «AMANAT» в районном маслихате",
            description="Приём граждан по личным вопросам. При себе иметь удостоверение.",
        )

    citizens = []
    for _ in range(220):
        fake = fake_person(rng, min_age=18, max_age=80)
        if Person.objects.filter(iin=fake.iin).exists():
            continue
        settlement = rng.choice(ctx["settlements"])
        citizens.append(
            Person.objects.create(
                iin=fake.iin if rng.random() < 0.8 else None,
                surname=fake.surname,
                name=fake.name,
                patronymic=fake.patronymic,
                phone=fake.phone,
                settlement=settlement,
                address=fake.address,
                unit=district,
                consent_at=now,
                consent_method=rng.choice([ConsentMethod.PAPER, ConsentMethod.VERBAL]),
            )
        )

    for index in range(300):
        days_ago = int(365 * (1 - (index / 300) ** 0.8))
        received_at = now - dt.timedelta(days=days_ago, hours=rng.randrange(0, 8))
        received = timezone.localtime(received_at).date()
        code = rng.choice(list(SUBJECTS))
        person = rng.choice(citizens)
        reception = None
        channel = rng.choice(
            [
                Channel.WALK_IN,
                Channel.WALK_IN,
                Channel.PHONE,
                Channel.WEB,
                Channel.FIELD,
                Channel.SOCIAL,
                Channel.LETTER,
            ]
        )
        if channel == Channel.FIELD:
            held = [r for r in receptions if r.starts_at <= received_at]
            if held:
                reception = held[-1]
                received_at = reception.starts_at + dt.timedelta(minutes=rng.randrange(5, 180))
                received = timezone.localtime(received_at).date()
            else:
                channel = Channel.WALK_IN
        due = cal.add_working_days(received, 15)
        appeal = Appeal(
            number=_next_number(district, received.year),
            tracking_code=new_tracking_code(),
            district=district,
            unit=district,
            channel=channel,
            reception_office=office if channel == Channel.WALK_IN else None,
            field_reception=reception,
            person=person,
            contact_phone=person.phone,
            category=categories[code],
            settlement=person.settlement,
            text=rng.choice(SUBJECTS[code]) + f" ({person.settlement}).",
            received_at=received_at,
            due_date=due,
            original_due_date=due,
            redirect_due_date=cal.add_working_days(received, 3),
            created_by=None if channel == Channel.WEB else operator,
        )
        appeal.repeat_of = (
            Appeal.objects.filter(
                person=person,
                category=appeal.category,
                received_at__gte=received_at - dt.timedelta(days=90),
            )
            .order_by("-received_at")
            .first()
        )
        appeal.search_text = f"{appeal.number} {appeal.text}".lower()
        fill_search_keys(appeal)
        appeal.save()
        events = [(Action.REGISTER, "", Status.REGISTERED, received_at, operator, "")]
        _walk(appeal, rng, events, ctx, chairs, deputies, admin, today, cal)
        AppealEvent.objects.bulk_create(
            [
                AppealEvent(
                    appeal=appeal,
                    action=a,
                    from_status=f,
                    to_status=t,
                    at=at,
                    actor=None if a == Action.REGISTER and channel == Channel.WEB else who,
                    by_citizen=(a == Action.REGISTER and channel == Channel.WEB),
                    reason=reason,
                )
                for a, f, t, at, who, reason in events
            ]
        )

    _bot_conversations(district)


# Demo chat ids: far above any real private chat a test or a person would send from.
DEMO_CHAT_BASE = 9_000_000_001


def _bot_conversations(district) -> None:
    """Citizens who wrote to the Telegram bot (issue 17): the first web appeals of a few
    people become bot appeals, each with its chat (the primary of the deep link, the
    village, the language, subscriptions); one more chat subscribed without writing, and
    one stopped with /stop. No random draws: the rest of the demo stays as it was."""
    web = (
        Appeal.objects.filter(district=district, channel=Channel.WEB)
        .select_related("person", "settlement")
        .order_by("pk")
    )
    chats: dict[int, TelegramChat] = {}
    for appeal in web:
        if len(chats) >= 6 and appeal.person_id not in chats:
            continue
        chat = chats.get(appeal.person_id)
        if chat is None:
            number = len(chats)
            primary = OrgUnit.objects.filter(
                kind=OrgKind.PRIMARY, settlement=appeal.settlement, path__startswith=district.path
            ).first()
            chat = TelegramChat.objects.create(
                chat_id=DEMO_CHAT_BASE + number,
                person=appeal.person,
                unit=primary,
                settlement=appeal.settlement,
                language=("ru", "kk")[number % 2],
                subscribed_news=number % 3 != 2,
                subscribed_receptions=number % 2 == 0,
                started_at=appeal.received_at,
            )
            chats[appeal.person_id] = chat
        appeal.channel = Channel.TELEGRAM
        appeal.language = chat.language
        appeal.save(update_fields=["channel", "language"])
        BotAppeal.objects.create(appeal=appeal, chat_id=chat.chat_id)
    if not chats:
        return
    some = next(iter(chats.values()))
    TelegramChat.objects.create(
        chat_id=DEMO_CHAT_BASE + 100,
        unit=some.unit,
        settlement=some.settlement,
        language="kk",
        subscribed_news=True,
        subscribed_receptions=True,
    )
    TelegramChat.objects.create(
        chat_id=DEMO_CHAT_BASE + 101,
        unit=some.unit,
        settlement=some.settlement,
        language="ru",
        started_at=timezone.now() - dt.timedelta(days=40),
        stopped_at=timezone.now() - dt.timedelta(days=3),
    )


def _primaries_near(settlement_id, primaries: list) -> list:
    """The primaries of the citizen's village; any primary of the district where it has none."""
    return [p for p in primaries if p.settlement_id == settlement_id] or primaries


def _walk(appeal, rng, events, ctx, chairs, deputies, admin, today, cal) -> None:
    """Move the appeal along a plausible path for its age; save the final state."""
    age = (today - timezone.localtime(appeal.received_at).date()).days
    at = appeal.received_at
    roll = rng.random()

    def step(action, to_status, days, who, reason=""):
        nonlocal at
        at = at + dt.timedelta(days=days, hours=rng.randrange(1, 6))
        at = min(at, timezone.now() - dt.timedelta(minutes=5))
        events.append((action, appeal.status, to_status, at, who, reason))
        appeal.status = to_status

    if age < 6 and roll < 0.7:
        appeal.save()
        return
    if roll < 0.05:
        appeal.redirected_to = "ГУ «Отдел земельных отношений Акжарского района»"
        step(Action.REDIRECT, Status.REDIRECTED, 1, admin, "Вопрос компетенции местного органа")
        appeal.save()
        return
    primary = rng.choice(_primaries_near(appeal.settlement_id, ctx["primaries"]))
    appeal.unit = primary
    appeal.assigned_user = chairs.get(primary.pk)
    if deputies and rng.random() < 0.3:
        appeal.assigned_person = rng.choice(deputies)
    step(Action.ASSIGN, Status.ASSIGNED, rng.randrange(0, 2), admin)
    # Young appeals are still open, and some older ones were forgotten: those are overdue.
    if age < 20 or roll < 0.12:
        if rng.random() < 0.6:
            step(Action.START, Status.IN_PROGRESS, rng.randrange(1, 3), appeal.assigned_user)
        if roll < 0.08 and age > 10:
            until = appeal.original_due_date + dt.timedelta(days=30)
            appeal.due_date = appeal.extended_until = until
            events.append(
                (
                    Action.EXTEND,
                    appeal.status,
                    appeal.status,
                    at + dt.timedelta(days=3),
                    admin,
                    "Требуется выезд комиссии и заключение специалистов",
                )
            )
        appeal.save()
        return
    step(Action.START, Status.IN_PROGRESS, rng.randrange(1, 3), appeal.assigned_user)
    outcome = rng.choice([Outcome.SOLVED, Outcome.SOLVED, Outcome.EXPLAINED, Outcome.REFUSED])
    appeal.outcome = outcome
    appeal.answer_text = ANSWERS[outcome]
    appeal.answer_published = True
    step(Action.ANSWER, Status.ANSWERED, rng.randrange(3, 16), appeal.assigned_user)
    appeal.answered_at = at
    if rng.random() < 0.6:
        appeal.satisfaction = rng.choice(
            [
                Satisfaction.SATISFIED,
                Satisfaction.SATISFIED,
                Satisfaction.PARTLY,
                Satisfaction.NOT_SATISFIED,
            ]
        )
        appeal.satisfaction_source = rng.choice(["link", "call"])
        events.append(
            (Action.SATISFACTION, appeal.status, appeal.status, at + dt.timedelta(days=1), None, "")
        )
    if age > 40 and rng.random() < 0.8:
        step(Action.CLOSE, Status.CLOSED, rng.randrange(1, 10), admin)
        appeal.closed_at = at
        if appeal.satisfaction == Satisfaction.NOT_SATISFIED and rng.random() < 0.5:
            step(Action.REOPEN, Status.REOPENED, 2, None, "Ответ не решил проблему")
            appeal.due_date = max(
                appeal.due_date, cal.add_working_days(timezone.localtime(at).date(), 15)
            )
            appeal.closed_at = None
    elif rng.random() < 0.1:
        step(Action.RETURN, Status.RETURNED, 1, admin, "Ответ неполный, дополнить")
    appeal.save()
