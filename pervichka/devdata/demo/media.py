"""A year of news from every primary of the demo district and from the district, in every
state of the workflow (drafts to archived), written by the correspondent, a chair and the
press secretary and moderated by the press secretary; a log of social posts with their
reach; three messages of the week; and the district's partners with their news."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.media import services
from pervichka.media.models import NewsItem, Partner, SocialPost
from pervichka.projects.models import Project

STORIES = [
    ("Субботник у школы", "Сенбілік мектеп жанында", "Жители села убрали парк у школы.",
     "Ауыл тұрғындары мектеп жанындағы саябақты тазалады.", "tazalike"),
    ("Посадили сорок берёз", "Қырық қайың отырғызылды", "Волонтёры высадили аллею у клуба.",
     "Еріктілер клуб жанына аллея отырғызды.", "tazalike"),
    ("Помощь пожилым к зиме", "Қарттарға қысқа көмек", "Привезли уголь одиноким пенсионерам.",
     "Жалғыз зейнеткерлерге көмір жеткізілді.", "socium"),
    ("Молодёжь учится фермерству", "Жастар фермерлікті үйренеді",
     "Первое занятие школы молодого фермера.", "Жас фермер мектебінің алғашқы сабағы.", "orleu"),
    ("Идеи жителей на конкурс", "Тұрғындардың идеялары байқауға",
     "Село подало пять идей на конкурс «30 идей».", "Ауыл «30 идея» байқауына бес идея берді.",
     "ideas30"),
    ("Выездной приём депутата", "Депутаттың көшпелі қабылдауы",
     "Депутат маслихата принял жителей в клубе.", "Мәслихат депутаты тұрғындарды клубта қабылдады.",
     ""),
]  # fmt: skip
# What each step of the workflow takes to reach a state from a draft.
STEPS = {
    "draft": [],
    "submitted": ["submit"],
    "changes": ["submit", "request_changes"],
    "approved": ["submit", "approve"],
    "scheduled": ["submit", "approve", "schedule"],
    "published": ["submit", "approve", "publish"],
    "unpublished": ["submit", "approve", "publish", "unpublish"],
    "archived": ["submit", "approve", "publish", "archive"],
}
PLATFORMS = [
    ("instagram", "https://instagram.com/p/demo{n}"),
    ("telegram", "https://t.me/akzhar_amanat/{n}"),
    ("whatsapp", "https://whatsapp.com/channel/demo{unit}/{n}"),
    ("tiktok", "https://tiktok.com/@akzhar{unit}/video/{n}"),
    ("facebook", "https://facebook.com/akzhar{unit}/posts/{n}"),
    ("vk", "https://vk.com/wall-{unit}_{n}"),
]


# The newest item of each primary waits somewhere in the workflow (in turn over the
# primaries); one older item was withdrawn or archived after publication.
PIPELINE = ["draft", "submitted", "changes", "approved", "scheduled"]
MONTHS = 12


def _state(primary_index: int, months_ago: int) -> str:
    if months_ago == 0:
        return PIPELINE[primary_index % len(PIPELINE)]
    if months_ago == 2 + primary_index % (MONTHS - 2):
        return "unpublished" if primary_index % 2 else "archived"
    return "published"


def seed(ctx: dict) -> None:
    """A year of news: one item a month from every primary of the district and from the
    district itself, through the services (history and notifications as in real work)."""
    _partners(ctx)
    if NewsItem.objects.filter(unit__path__startswith=ctx["district"].path).exists():
        return
    rng = random.Random(1616)
    now = ctx["now"]
    press = ctx["users"]["press"]
    projects = {p.code: p for p in Project.objects.all()}
    # The correspondent and the chair write for their primaries; for the others, and for
    # the district's own official items, the press secretary writes what the chairs send.
    own_news = _own_writers(ctx)
    items = []
    for index, unit in enumerate([*ctx["primaries"], ctx["district"]]):
        author = own_news.get(unit.pk, press)
        for months_ago in range(MONTHS):
            story = STORIES[(index + months_ago) % len(STORIES)]
            state = "published" if unit.kind == "district" else _state(index, months_ago)
            items.append(_item(author, press, unit, story, state, projects, now, months_ago, rng))
    published = [i for i in items if i.status == "published"]
    # 200 posts over the year, across every primary and platform: the chair or the
    # correspondent where the primary has one, the district's administrator elsewhere.
    admin = ctx["users"]["admin"]
    own = _own_writers(ctx)
    primaries = ctx["primaries"]
    for n in range(200):
        platform, url = PLATFORMS[n % len(PLATFORMS)]
        unit = primaries[(n * 7) % len(primaries)]
        services.post_log(
            actor=own.get(unit.pk, admin),
            unit=unit,
            platform=platform,
            url=url.format(n=1000 + n, unit=unit.pk),
            posted_on=(now - dt.timedelta(days=rng.randint(0, 364))).date(),
            news_item=published[n % len(published)] if published and n % 3 == 0 else None,
            reach_24h=rng.randint(50, 800),
            reach_7d=rng.randint(200, 2500) if n % 5 else None,
        )
    _kits(ctx, rng)
    assert SocialPost.objects.count() >= 200


KITS = [
    ("Неделя чистоты", "Выходим на субботник: приберём дворы, улицы и берега в каждом селе.",
     "Сенбілікке шығамыз: әр ауылда аулаларды, көшелерді және жағалауларды тазалаймыз.",
     "#Аманат #Акжар #TazaLike"),
    ("Поможем пожилым к зиме", "Волонтёры первичек развозят уголь и продукты одиноким пенсионерам.",
     "Бастауыш ұйымдардың еріктілері жалғыз зейнеткерлерге көмір мен азық жеткізеді.",
     "#Аманат #Социум #Акжар"),
    ("Молодёжь выбирает село", "Программа «С дипломом в село»: что получают молодые специалисты.",
     "«Дипломмен – ауылға!» бағдарламасы: жас мамандар не алады.", "#Аманат #Өрлеу"),
]  # fmt: skip


def _own_writers(ctx: dict) -> dict:
    """The primaries with a writer of their own: the correspondent and the second chair."""
    primaries = ctx["primaries"]
    return {primaries[0].pk: ctx["users"]["reporter"], primaries[3].pk: ctx["users"]["chair2"]}


def _kits(ctx: dict, rng: random.Random) -> None:
    """Three messages of the week (the last three weeks), each picked up by some primaries
    on one or two platforms; the others did not (the district's table shows them)."""
    press = ctx["users"]["press"]
    admin = ctx["users"]["admin"]
    own = _own_writers(ctx)
    today = ctx["now"].date()
    monday = today - dt.timedelta(days=today.weekday())
    for index, (title, text, text_kk, tags) in enumerate(KITS):
        week = monday - dt.timedelta(weeks=2 - index)
        kit = services.kit_create(
            actor=press,
            district=ctx["district"],
            data=services.KitData(
                week=week, title=title, text=text, text_kk=text_kk, hashtags=tags
            ),
        )
        for number, unit in enumerate(ctx["primaries"]):
            if rng.random() < 0.35:
                continue  # did not pick it up
            for platform, url in PLATFORMS[: 1 + number % 2]:
                services.kit_use(
                    actor=own.get(unit.pk, admin),
                    kit=kit,
                    primary=unit,
                    platform=platform,
                    url=url.format(n=f"kit{kit.pk}x{unit.pk}", unit=unit.pk),
                    posted_on=min(today, week + dt.timedelta(days=rng.randint(0, 4))),
                )


def _item(author, press, unit, story, state, projects, now, months_ago, rng) -> NewsItem:
    ru, kk, lead, lead_kk, code = story
    item = services.news_create(
        actor=author,
        unit=unit,
        data=services.NewsData(
            title=f"{ru} — {unit.name}",
            title_kk=f"{kk} — {unit.name_kk or unit.name}",
            lead=lead,
            lead_kk=lead_kk,
            body=f"<p>{lead}</p><p><strong>{unit.name}</strong> благодарит всех.</p>",
            body_kk=f"<p>{lead_kk}</p><p><strong>{unit.name_kk or unit.name}</strong> "
            "барлығына алғыс айтады.</p>",
            projects=[projects[code]] if code in projects else [],
        ),
    )
    for action in STEPS[state]:
        item = services.news_act(
            actor=author if action == "submit" else press,
            item=item,
            action=action,
            note="Добавьте фото" if action in ("request_changes", "unpublish") else "",
            publish_at=now + dt.timedelta(days=2) if action == "schedule" else None,
        )
    if item.published_at:
        # In its month of the past year, as if written month by month.
        when = now - dt.timedelta(
            days=30 * months_ago + rng.randint(0, 27), hours=rng.randint(0, 10)
        )
        NewsItem.objects.filter(pk=item.pk).update(published_at=when)
    return item


# The district's partners (issue 16, point 4): made-up organisations, linked as the demo's
# social posts are, to accounts on the platforms (no placeholder domain, no person's data).
# The last one was taken off the portal; one news item is past its days on the portal.
PARTNERS = [
    ("Районная газета «Акжар таңы»", "«Ақжар таңы» аудандық газеті",
     "https://t.me/akzhar_tany_gazeta"),
    ("Молодёжный центр «Жастар ордасы»", "«Жастар ордасы» жастар орталығы",
     "https://instagram.com/zhastar_ordasy_akzhar"),
    ("Благотворительный фонд «Ауыл жүрегі»", "«Ауыл жүрегі» қайырымдылық қоры",
     "https://facebook.com/auyl.zhuregi.akzhar"),
    ("Телеканал «Акжар ТВ»", "«Ақжар ТВ» телеарнасы", "https://t.me/akzhar_tv_aqparat"),
    ("Вестник фермера", "Фермер хабаршысы", "https://vk.com/fermer_vestnik_akzhar"),
]  # fmt: skip
# (partner's index, title, title in Kazakh, link, days ago, days on the portal)
PARTNER_NEWS = [
    (0, "Открыт новый мост через Ишим", "Есіл арқылы жаңа көпір ашылды",
     "https://t.me/akzhar_tany_gazeta/512", 1, 14),
    (1, "Форум сельской молодёжи", "Ауыл жастарының форумы",
     "https://instagram.com/p/zhastar_forum", 3, 14),
    (2, "Собрано 300 подарков к Новому году", "Жаңа жылға 300 сыйлық жиналды",
     "https://facebook.com/auyl.zhuregi.akzhar/posts/2041", 5, 21),
    (3, "Репортаж о ремонте дорог района", "Аудан жолдарын жөндеу туралы репортаж",
     "https://t.me/akzhar_tv_aqparat/87", 8, 14),
    (0, "Итоги уборочной страды", "Егін жинау науқанының қорытындысы",
     "https://t.me/akzhar_tany_gazeta/430", 40, 14),
]  # fmt: skip


def _partners(ctx: dict) -> None:
    """The district's partners and their latest news, through the services, as the press
    secretary (who moderates the district's news) keeps them."""
    district = ctx["district"]
    if Partner.objects.filter(district=district).exists():
        return
    press = ctx["users"]["press"]
    partners = [
        services.partner_save(
            actor=press,
            district=district,
            data=services.PartnerData(name=name, name_kk=name_kk, url=url, position=index),
        )
        for index, (name, name_kk, url) in enumerate(PARTNERS)
    ]
    services.partner_set_active(actor=press, partner=partners[-1], active=False)
    today = timezone.localdate(ctx["now"])
    for index, title, title_kk, url, days_ago, days in PARTNER_NEWS:
        services.partner_news_add(
            actor=press,
            partner=partners[index],
            data=services.PartnerNewsData(
                title=title,
                title_kk=title_kk,
                url=url,
                on_date=today - dt.timedelta(days=days_ago),
                days=days,
            ),
        )
