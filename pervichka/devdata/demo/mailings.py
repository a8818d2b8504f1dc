"""Mailings in the demo district: consent to SMS and Telegram for most of its people (some
with a Telegram chat, half of those in Kazakh), three mailings through the real services and
sending code — one sent, one stopped halfway and resumed, one awaiting the district's
approval — and a resident who replied STOP. The SMS go to an in-memory gateway."""

from __future__ import annotations

import datetime as dt
import random

from django.test.utils import override_settings
from django.utils import timezone

from pervichka.core.notify import LocmemSMSBackend
from pervichka.outreach import mailings, sending
from pervichka.outreach.models import Mailing, Segment
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Person, TelegramChat
from pervichka.people.services import consent_give_by_subject

TEXTS = [
    (
        "Выездной приём в сельском клубе в четверг в 11:00: приходите со своими вопросами.",
        "Бейсенбі сағат 11:00-де ауылдық клубта көшпелі қабылдау: сұрақтарыңызбен келіңіздер.",
    ),
    (
        "Субботник в парке Победы в субботу в 10:00. Перчатки и инвентарь выдадим.",
        "Сенбі күні сағат 10:00-де Жеңіс саябағында сенбілік. Қолғап пен құрал береміз.",
    ),
    (
        "Врачи районной больницы принимают пожилых жителей в амбулатории во вторник.",
        "Аудандық аурухана дәрігерлері сейсенбі күні амбулаторияда егде тұрғындарды қабылдайды.",
    ),
]


def _consents(people: list[Person], rng: random.Random) -> None:
    chat_id = 880_000_000
    for person in people:
        if person.phone and rng.random() < 0.8:
            consent_give_by_subject(
                person=person, purpose=ConsentPurpose.CONTACT_SMS, channel="sms"
            )
        if rng.random() < 0.25:
            chat_id += 1
            consent_give_by_subject(
                person=person, purpose=ConsentPurpose.CONTACT_TELEGRAM, channel="telegram"
            )
            TelegramChat.objects.create(
                chat_id=chat_id,
                person=person,
                unit=person.unit,
                settlement=person.settlement,
                language=rng.choice(["ru", "kk"]),
            )


def _list(unit, name: str, people: list[Person]) -> Segment:
    segment = Segment.objects.create(unit=unit, name=name, kind="static")
    for person in people:
        segment.entries.create(person=person)
    return segment


def seed(ctx: dict) -> None:
    if Mailing.objects.filter(unit__path__startswith=ctx["district"].path).exists():
        return
    rng = random.Random(1718)
    admin, chair = ctx["users"]["admin"], ctx["users"]["chair"]
    district, first = ctx["district"], ctx["primaries"][0]
    people = list(Person.objects.filter(unit__path__startswith=district.path).order_by("pk")[:600])
    _consents(people, rng)
    own = [p for p in people if p.unit_id == first.pk][:60]
    later = timezone.now() + dt.timedelta(minutes=1)
    soon = later + dt.timedelta(minutes=1)
    # The first two go without the district's approval (its size is set after them).
    mailings.policy_set(actor=admin, district=district, approval_above=10_000)
    # The demo has no SMS gateway and no limits to respect: an in-memory gateway.
    with override_settings(
        PERVICHKA_SMS_BACKEND="pervichka.core.notify.LocmemSMSBackend",
        PERVICHKA_SMS_PER_SECOND=10**6,
    ):
        pensioners = Segment.objects.get(unit=first, name="Пенсионеры двух сёл")
        done = mailings.mailing_save(
            actor=chair,
            mailing=Mailing(
                unit=first,
                segment=pensioners,
                channel="sms",
                title="Приглашение на выездной приём",
                text_ru=TEXTS[0][0],
                text_kk=TEXTS[0][1],
                scheduled_for=later,
            ),
        )
        mailings.mailing_submit(actor=chair, mailing=done)
        sending.mailing_start(mailing_id=done.pk, now=soon)
        sending.mailing_send(mailing_id=done.pk, wait_for_retries=False)

        halfway = mailings.mailing_save(
            actor=chair,
            mailing=Mailing(
                unit=first,
                segment=_list(first, "Актив первички", own),
                channel="sms",
                title="Субботник в субботу",
                text_ru=TEXTS[1][0],
                text_kk=TEXTS[1][1],
                scheduled_for=later,
            ),
        )
        mailings.mailing_submit(actor=chair, mailing=halfway)
        sending.mailing_start(mailing_id=halfway.pk, now=soon)
        pending = list(halfway.deliveries.filter(status="pending").order_by("pk"))
        halfway.refresh_from_db()
        for delivery in pending[: len(pending) // 2]:
            sending.delivery_send(mailing=halfway, delivery=delivery)
        mailings.mailing_pause(actor=chair, mailing=halfway)
        mailings.mailing_resume(actor=chair, mailing=halfway)
        sending.mailing_send(mailing_id=halfway.pk, wait_for_retries=False)

        # A resident who got the first mailing replied STOP.
        got = done.deliveries.filter(status="sent").select_related("person").first()
        if got is not None:
            mailings.sms_inbound(phone=got.person.phone, text="СТОП")
        LocmemSMSBackend.outbox.clear()

    active = Segment.objects.get(unit=first, name="Актив первички")
    size = mailings.mailing_preview(chair, segment=active, channel="sms").will_get
    mailings.policy_set(actor=admin, district=district, approval_above=min(30, max(size - 1, 0)))
    awaiting = mailings.mailing_save(
        actor=chair,
        mailing=Mailing(
            unit=first,
            segment=active,
            channel="sms",
            title="Врачи в амбулатории",
            text_ru=TEXTS[2][0],
            text_kk=TEXTS[2][1],
            scheduled_for=later + dt.timedelta(days=2),
        ),
    )
    mailings.mailing_submit(actor=chair, mailing=awaiting)
