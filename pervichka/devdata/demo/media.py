"""A year of news from every primary of the demo district and from the district, in every
state of the workflow (drafts to archived), written by the correspondent, a chair and the
press secretary and moderated by the press secretary; a log of social posts with their
reach; and three messages of the week."""

from __future__ import annotations

import datetime as dt
import random

from pervichka.media import services
from pervichka.media.models import NewsItem, SocialPost
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
