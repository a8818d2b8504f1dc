"""About 150 young people of the demo district with cases in every state: open and closed,
referrals at every step, placements that lasted and did not, follow-ups overdue."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.devdata.fake import fake_person
from pervichka.people.enums import ConsentMethod
from pervichka.people.models import Person
from pervichka.people.services import PersonData
from pervichka.youth import services
from pervichka.youth.enums import ReferralStatus
from pervichka.youth.models import Case, SupportMeasure, YoungPerson

SITUATIONS = [
    ("employed", 30),
    ("student", 15),
    ("training", 5),
    ("military", 4),
    ("parental", 6),
    ("job_seeker", 15),
    ("neet", 25),
]
EMPLOYERS = [
    "ТОО «Талшик-Агро»",
    "КГУ «Средняя школа»",
    "ИП Ахметов",
    "Районная больница",
    "ТОО «СК-Строй»",
    "Сельский акимат",
]
SPECIALTIES = [
    "учитель",
    "медсестра",
    "тракторист-машинист",
    "бухгалтер",
    "ветеринар",
    "электрик",
    "повар",
    "агроном",
]


def _facts(kind: str, rng: random.Random, today: dt.date) -> dict:
    education = rng.choice(["secondary", "secondary", "vocational", "vocational", "higher"])
    facts = {
        "education": education,
        "graduated_year": today.year - rng.randrange(0, 6) if education != "none" else None,
        "specialty": rng.choice(SPECIALTIES) if education in ("vocational", "higher") else "",
        "skills": rng.choice(
            ["водительские права категории B", "компьютер", "сварка", "", "английский язык"]
        ),
    }
    facts.update(
        {
            "employed": kind == "employed",
            "in_education": kind == "student",
            "in_training": kind == "training",
            "military_service": kind == "military",
            "parental_leave": kind == "parental",
            "registered_job_seeker": kind == "job_seeker",
            "employer": rng.choice(EMPLOYERS) if kind == "employed" else "",
        }
    )
    return facts


def seed(ctx: dict) -> None:
    if YoungPerson.objects.filter(primary__in=ctx["primaries"]).exists():
        return
    rng = random.Random(6006)
    today = timezone.localdate()
    youth_worker, chair = ctx["users"]["youth"], ctx["users"]["chair"]
    services.rules_for(ctx["primaries"][0])
    kinds = [k for k, weight in SITUATIONS for _ in range(weight)]
    people = []
    for index in range(150):
        primary = ctx["primaries"][index % len(ctx["primaries"])]
        fake = fake_person(rng, min_age=16, max_age=29, today=today)
        while Person.objects.filter(iin=fake.iin).exists():
            fake = fake_person(rng, min_age=16, max_age=29, today=today)
        yp = services.young_person_register(
            actor=youth_worker,
            primary=primary,
            facts=_facts(rng.choice(kinds), rng, today),
            data=PersonData(
                iin=fake.iin,
                surname=fake.surname,
                name=fake.name,
                patronymic=fake.patronymic,
                phone=fake.phone,
                settlement=primary.settlement,
                address=fake.address,
                consent_method=ConsentMethod.PAPER,
            ),
        )
        people.append(yp)
    measures = {m.code: m for m in SupportMeasure.objects.filter(district__isnull=True)}
    needy = [yp for yp in people if not (yp.employed or yp.in_education or yp.military_service)]
    for index, yp in enumerate(needy):
        worker = chair if yp.primary == ctx["primaries"][0] else youth_worker
        opened = today - dt.timedelta(days=rng.randrange(10, 330))
        case = services.case_open(
            actor=worker,
            yp=yp,
            needs=rng.sample(["employment", "training", "education", "housing", "leisure"], 2),
            assessment="Ищет работу в своём селе; готов(а) к переезду в районный центр.",
            plan="Регистрация в центре занятости, направление на программы занятости.",
            next_followup=today + dt.timedelta(days=rng.randrange(-20, 40)),
        )
        Case.objects.filter(pk=case.pk).update(
            opened_at=timezone.make_aware(dt.datetime.combine(opened, dt.time(10)))
        )
        _walk(case, yp, measures, worker, rng, opened, today, index)


def _walk(case, yp, measures, worker, rng, opened, today, index) -> None:
    """Referrals and placements for one case, spread over its lifetime."""
    codes = [
        "job_centre",
        "first_job",
        "training",
        "youth_practice",
        "public_works",
        "diploma_to_village",
        "resource_centre",
    ]
    stage = index % 7
    day = opened + dt.timedelta(days=3)
    for code in rng.sample(codes, 2):
        measure = measures[code]
        referral = services.referral_create(
            actor=worker,
            case=case,
            measure=measure,
            on=min(day, today),
            override=True,
            note="Направление по плану",
        )
        flow = [ReferralStatus.ACCEPTED, ReferralStatus.STARTED, ReferralStatus.COMPLETED]
        for step, status in enumerate(flow):
            if step >= stage % 4:
                break
            day = min(today, day + dt.timedelta(days=rng.randrange(3, 20)))
            services.referral_move(actor=worker, referral=referral, to=status, on=day)
        if stage == 5:
            services.referral_move(
                actor=worker,
                referral=referral,
                to=ReferralStatus.REFUSED,
                on=min(today, day + dt.timedelta(days=5)),
                reason="Не подходит график работы",
            )
    if stage in (3, 4, 6) and (today - opened).days > 40:
        started = min(today, opened + dt.timedelta(days=rng.randrange(20, 60)))
        placement = services.placement_record(
            actor=worker,
            case=case,
            kind="work" if stage != 6 else "study",
            started_on=started,
            organization=rng.choice(EMPLOYERS),
            position="стажёр",
            referral=case.referrals.first(),
        )
        for months in (3, 6):
            due = services.add_months(started, months)
            if due <= today and rng.random() < 0.8:
                services.placement_check(
                    actor=worker,
                    placement=placement,
                    months=months,
                    lasted=rng.random() < 0.75,
                    on=due,
                )
        if stage == 4:
            services.case_close(actor=worker, case=case, reason="placed")
    elif stage == 2 and index % 3 == 0:
        services.case_close(actor=worker, case=case, reason="moved")
