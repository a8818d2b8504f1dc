"""About 40 promises of the district's election programme in every stage, each with its
evidence; some linked to appeals and to project events."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from pervichka.appeals.models import Appeal
from pervichka.projects.models import Event
from pervichka.promises import services
from pervichka.promises.models import Promise

PROMISES = [
    # theme, ru, kk, in a settlement?
    ("roads", "Отремонтировать дорогу Талшик — Айсары", "Талшық — Айсары жолын жөндеу", False),
    ("water", "Провести водопровод в сёла округа", "Округ ауылдарына су құбырын тарту", True),
    ("water", "Газифицировать районный центр", "Аудан орталығын газдандыру", False),
    ("education", "Открыть детский сад на 90 мест", "90 орындық балабақша ашу", True),
    ("education", "Отремонтировать спортзал школы", "Мектептің спорт залын жөндеу", True),
    ("health", "Открыть врачебную амбулаторию", "Дәрігерлік амбулатория ашу", True),
    ("health", "Купить машину скорой помощи", "Жедел жәрдем көлігін сатып алу", False),
    (
        "agriculture",
        "Построить пункт искусственного осеменения скота",
        "Малды қолдан ұрықтандыру пунктін салу",
        True,
    ),
    ("jobs", "Создать 150 рабочих мест в районе", "Ауданда 150 жұмыс орнын ашу", False),
    ("jobs", "Запустить цех переработки молока", "Сүт өңдеу цехын іске қосу", True),
    ("social", "Адресная помощь многодетным семьям", "Көпбалалы отбасыларға атаулы көмек", False),
    ("culture", "Отремонтировать сельский дом культуры", "Ауылдық мәдениет үйін жөндеу", True),
    ("culture", "Построить мини-футбольное поле", "Шағын футбол алаңын салу", True),
    (
        "ecology",
        "Высадить 5000 деревьев по программе ТазаLike",
        "ТазаLike бойынша 5000 ағаш отырғызу",
        False,
    ),
    ("ecology", "Ликвидировать стихийные свалки", "Стихиялық қоқыс үйінділерін жою", True),
    ("safety", "Установить уличное освещение", "Көше жарығын орнату", True),
    ("safety", "Открыть участковый пункт полиции", "Учаскелік полиция пунктін ашу", True),
    (
        "housing",
        "Построить арендное жильё для молодых специалистов",
        "Жас мамандарға жалдамалы тұрғын үй салу",
        False,
    ),
    ("roads", "Отремонтировать мост через реку", "Өзен үстіндегі көпірді жөндеу", True),
    ("other", "Открыть ЦОН-пункт в селе", "Ауылда ХҚКО пунктін ашу", True),
]
# The English texts (en pages show them instead of the Russian ones).
PROMISES_EN = {
    "Отремонтировать дорогу Талшик — Айсары": "Repair the Talshik–Aisary road",
    "Провести водопровод в сёла округа": "Bring piped water to the villages of the okrug",
    "Газифицировать районный центр": "Connect the district centre to gas",
    "Открыть детский сад на 90 мест": "Open a kindergarten for 90 children",
    "Отремонтировать спортзал школы": "Repair the school gym",
    "Открыть врачебную амбулаторию": "Open a doctor's outpatient clinic",
    "Купить машину скорой помощи": "Buy an ambulance",
    "Построить пункт искусственного осеменения скота": "Build a livestock insemination centre",
    "Создать 150 рабочих мест в районе": "Create 150 jobs in the district",
    "Запустить цех переработки молока": "Start a milk processing workshop",
    "Адресная помощь многодетным семьям": "Targeted help for large families",
    "Отремонтировать сельский дом культуры": "Repair the village house of culture",
    "Построить мини-футбольное поле": "Build a mini football pitch",
    "Высадить 5000 деревьев по программе ТазаLike": (
        "Plant 5,000 trees under the TazaLike programme"
    ),
    "Ликвидировать стихийные свалки": "Clear the illegal dumps",
    "Установить уличное освещение": "Install street lighting",
    "Открыть участковый пункт полиции": "Open a neighbourhood police post",
    "Построить арендное жильё для молодых специалистов": (
        "Build rental housing for young professionals"
    ),
    "Отремонтировать мост через реку": "Repair the bridge over the river",
    "Открыть ЦОН-пункт в селе": "Open a public service centre point in the village",
}
# How many promises end in each stage: 40 in all.
PLAN = (
    ["not_started"] * 6 + ["in_progress"] * 12 + ["done"] * 10 + ["done_late"] * 5
    + ["partly_done"] * 4 + ["not_done"] * 3
)  # fmt: skip
REASONS = {
    "done_late": "Подрядчик сорвал сроки поставки материалов; работы завершены после срока.",
    "partly_done": "Профинансирована первая очередь; вторая — в бюджете следующего года.",
    "not_done": "Проект не прошёл государственную экспертизу; средства перераспределены.",
}


def seed(ctx: dict) -> None:
    district = ctx["district"]
    if Promise.objects.filter(district=district).exists():
        return
    rng = random.Random(9009)
    today = timezone.localdate()
    admin = ctx["users"]["admin"]
    deputies = ctx.get("deputy_records") or [None]
    appeals = list(Appeal.objects.filter(district=district).order_by("pk")[:200])
    events = list(Event.objects.filter(primary__in=ctx["primaries"], status="held")[:40])
    for index, stage in enumerate(PLAN):
        theme, ru, kk, local = PROMISES[index % len(PROMISES)]
        settlement = ctx["settlements"][index % len(ctx["settlements"])] if local else None
        started = today - dt.timedelta(days=rng.randrange(200, 700))
        if stage in ("done", "not_started", "in_progress"):
            due = today + dt.timedelta(days=rng.randrange(30, 500))
        else:
            due = today - dt.timedelta(days=rng.randrange(60, 150))
        promise = services.promise_create(
            actor=admin,
            district=district,
            data=services.PromiseData(
                number=index + 1,
                text=ru if index < len(PROMISES) else f"{ru} (вторая очередь)",
                text_kk=kk if index < len(PROMISES) else f"{kk} (екінші кезек)",
                text_en=PROMISES_EN[ru] + ("" if index < len(PROMISES) else " (second stage)"),
                theme=theme,
                due_date=due,
                settlement=settlement,
                responsible_deputy=deputies[index % len(deputies)],
                responsible_body="Акимат района" if index % 3 == 0 else "",
            ),
        )
        if stage == "not_started":
            continue
        services.promise_report(
            actor=admin,
            promise=promise,
            status="in_progress",
            date=started,
            text="Включено в план работ акимата; объявлен конкурс на подрядчика.",
        )
        if stage == "in_progress":
            services.promise_report(
                actor=admin,
                promise=promise,
                status="in_progress",
                date=started + dt.timedelta(days=rng.randrange(30, 150)),
                text="Работы идут: выполнено около половины объёма, депутат проверил на месте.",
            )
        else:
            finished = (
                min(due, today - dt.timedelta(days=5))
                if stage == "done"
                else due + dt.timedelta(days=rng.randrange(5, 50))
                if stage == "done_late"
                else today - dt.timedelta(days=rng.randrange(1, 40))
            )
            finished = max(finished, started + dt.timedelta(days=1))
            services.promise_report(
                actor=admin,
                promise=promise,
                status=stage,
                date=finished,
                text="Объект принят комиссией с участием депутатов и жителей.",
                reason=REASONS.get(stage, ""),
                # The proof is a document kept here, not a link to a site that does not exist.
                upload=ContentFile(
                    f"Акт приёмки по обещанию №{promise.number} от {finished:%d.%m.%Y}: объект "
                    "принят комиссией с участием депутатов и жителей.".encode(),
                    name=f"akt-{promise.number}.txt",
                ),
            )
        if appeals:
            promise.appeals.add(*rng.sample(appeals, k=min(2, len(appeals))))
        if theme == "ecology" and events:
            services.promise_link(actor=admin, promise=promise, event=rng.choice(events))
