"""The School in the demo district: the chairs' course with a finished cohort (certificates)
and a current one (sessions ahead, reminders), and a short course for members."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from pervichka.devdata.fake import next_working_day
from pervichka.people.models import Membership
from pervichka.training import services
from pervichka.training.models import Course, Enrolment, Module

COURSES = [
    (
        "chair-basics",
        "Председатель первички: основы политического менеджмента",
        "Бастауыш ұйым төрағасы: саяси менеджмент негіздері",
        "Primary chair: the basics of political management",
        True,
        [
            (
                "Партия и её программа",
                "Партия және оның бағдарламасы",
                "The party and its programme",
                4,
            ),
            (
                "Работа с обращениями граждан",
                "Азаматтардың өтініштерімен жұмыс",
                "Working with citizens' appeals",
                4,
            ),
            (
                "Членские взносы и проектный фонд",
                "Мүшелік жарналар және жобалық қор",
                "Membership dues and the project fund",
                3,
            ),
            (
                "Проекты первички и волонтёры",
                "Бастауыш ұйымның жобалары және еріктілер",
                "The primary's projects and volunteers",
                4,
            ),
            (
                "Публичные выступления и медиа",
                "Көпшілік алдында сөйлеу және медиа",
                "Public speaking and the media",
                3,
            ),
            (
                "Цифровые инструменты первички",
                "Бастауыш ұйымның цифрлық құралдары",
                "The primary's digital tools",
                2,
            ),
        ],
    ),
    (
        "digital-primary",
        "Цифровая первичка: учёт и отчётность в системе",
        "Цифрлық бастауыш ұйым: жүйеде есеп жүргізу",
        "The digital primary: records and reports in the system",
        False,
        [
            (
                "Реестр членов и импорт",
                "Мүшелер тізілімі және импорт",
                "The member registry and import",
                2,
            ),
            ("Взносы и отчёты", "Жарналар және есептер", "Dues and reports", 2),
        ],
    ),
]


def seed(ctx: dict) -> None:
    district = ctx["district"]
    if Course.objects.filter(code="chair-basics").exists():
        _translate_modules()
        return
    rng = random.Random(1010)
    today = timezone.localdate()
    trainer = ctx["users"]["trainer"]
    courses = []
    for code, ru, kk, en, required, modules in COURSES:
        course = Course.objects.create(
            code=code,
            name=ru,
            name_kk=kk,
            name_en=en,
            description="Очно и онлайн; итоговый тест из 50 вопросов.",
            description_kk="Күндізгі және онлайн; 50 сұрақтан тұратын қорытынды тест.",
            description_en="In class and online; a final test of 50 questions.",
            required_for_chairs=required,
        )
        for order, (m_ru, m_kk, m_en, hours) in enumerate(modules, start=1):
            Module.objects.create(
                course=course,
                order=order,
                name=m_ru,
                name_kk=m_kk,
                name_en=m_en,
                hours=Decimal(hours),
            )
        courses.append(course)
    chairs_course, digital = courses

    # A finished cohort last spring: most chairs passed; one missed classes, one failed.
    spring = (
        today.replace(month=3, day=1)
        if today.month > 6
        else today.replace(year=today.year - 1, month=9, day=1)
    )
    done = services.cohort_create(
        actor=trainer,
        course=chairs_course,
        unit=district,
        name=f"Акжар, поток {spring:%m.%Y}",
        starts_on=spring,
        ends_on=spring + dt.timedelta(days=40),
        place="Талшик, районный филиал партии",
        trainers=[trainer],
    )
    _sessions(done, trainer, spring)
    chairs = list(services.current_chairs(district))
    for position in chairs[:9]:
        Enrolment.objects.create(cohort=done, person=position.person, primary=position.org_unit)
    _attend(done, trainer, rng, weak={2})
    for index, enrolment in enumerate(done.enrolments.order_by("pk")):
        services.assess(
            actor=trainer, enrolment=enrolment, score=45 if index == 5 else rng.randrange(62, 98)
        )

    # A current cohort: half the sessions done, the rest ahead.
    now_cohort = services.cohort_create(
        actor=trainer,
        course=chairs_course,
        unit=district,
        name=f"Акжар, поток {today:%m.%Y}",
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=21),
        place="Талшик, районный филиал партии",
        trainers=[trainer],
    )
    _sessions(now_cohort, trainer, today - dt.timedelta(days=14))
    services.enrol_chairs(actor=trainer, cohort=now_cohort)
    _attend(now_cohort, trainer, rng)

    members = services.cohort_create(
        actor=trainer,
        course=digital,
        unit=district,
        name="Секретари и казначеи первичек",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=10),
        place="онлайн",
        trainers=[trainer],
    )
    _sessions(members, trainer, today - dt.timedelta(days=3), step=6)
    for membership in Membership.objects.filter(primary__in=ctx["primaries"][:6]).order_by("pk")[
        :6
    ]:
        services.enrol(actor=trainer, cohort=members, person=membership.person)


def _translate_modules() -> None:
    """A demo seeded before the modules had English names gets them on the next run."""
    for code, *_names, modules in COURSES:
        for order, (_ru, m_kk, m_en, _hours) in enumerate(modules, start=1):
            Module.objects.filter(course__code=code, order=order, name_en="").update(name_en=m_en)
            Module.objects.filter(course__code=code, order=order, name_kk="").update(name_kk=m_kk)


def _sessions(cohort, trainer, start: dt.date, step: int = 6) -> None:
    for order, module in enumerate(cohort.course.modules.all()):
        day = next_working_day(start + dt.timedelta(days=order * step))
        services.session_add(
            actor=trainer,
            cohort=cohort,
            module=module,
            starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))),
            hours=module.hours,
            place=cohort.place,
        )


def _attend(cohort, trainer, rng: random.Random, weak: set[int] = frozenset()) -> None:
    enrolments = list(cohort.enrolments.order_by("pk"))
    for session in cohort.sessions.filter(starts_at__lte=timezone.now()):
        present = {
            e.pk
            for index, e in enumerate(enrolments)
            if (rng.random() < 0.3 if index in weak else rng.random() < 0.93)
        }
        services.attendance_mark(actor=trainer, session=session, present=present)
