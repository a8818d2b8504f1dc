"""Field receptions announced: the people of the village who agreed to be told get one
message on their channel in their language, exactly once; a moved or cancelled reception
tells those already told; consent is asked at sending; a worker that died mid-send does
not make a second message before its claim expires. Telegram is a fake Bot API on loopback
(real HTTP); SMS go into the outbox."""

import datetime as dt

import pytest
from django.utils import timezone

from pervichka.appeals.models import FieldReception
from pervichka.core.models import Notification
from pervichka.outreach import announcements
from pervichka.outreach.announcement_tasks import task_announcements_run
from pervichka.outreach.models import ReceptionAnnouncement, ReceptionNotice
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import TelegramChat
from pervichka.people.services import consent_give_by_subject, consent_stop_by_subject
from tests.factories import PersonFactory

NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 0))  # tests/clock.py
SMS, TG = ConsentPurpose.CONTACT_SMS, ConsentPurpose.CONTACT_TELEGRAM


def agreed(person, *purposes):
    for purpose in purposes:
        consent_give_by_subject(person=person, purpose=purpose, channel="paper")
    return person


@pytest.fixture
def village_people(tree):
    """Талшик: one by SMS, one in Telegram (Kazakh), one who agreed to both, one who
    agreed to nothing, one who stopped SMS; a chat subscribed to the village's receptions
    (English), a subscribed chat that stopped the bot; a neighbour in another district."""
    v = tree.village
    sms = agreed(PersonFactory(unit=tree.primary_a, settlement=v, phone="+77011110001"), SMS)
    tg = agreed(PersonFactory(unit=tree.primary_a, settlement=v, phone=""), TG)
    both = agreed(PersonFactory(unit=tree.primary_b, settlement=v, phone="+77011110003"), SMS, TG)
    nobody = PersonFactory(unit=tree.primary_a, settlement=v, phone="+77011110004")
    stopped = agreed(PersonFactory(unit=tree.primary_a, settlement=v, phone="+77011110005"), SMS)
    consent_stop_by_subject(person=stopped, purpose=SMS, channel="sms", reason="STOP")
    far = agreed(
        PersonFactory(unit=tree.primary_c, settlement=tree.other_village, phone="+77011110006"),
        SMS,
    )
    return {
        "sms": sms,
        "tg": tg,
        "both": both,
        "nobody": nobody,
        "stopped": stopped,
        "far": far,
        "tg_chat": TelegramChat.objects.create(chat_id=1001, person=tg, language="kk"),
        "both_chat": TelegramChat.objects.create(chat_id=1003, person=both, language="ru"),
        "subscribed": TelegramChat.objects.create(
            chat_id=1007, settlement=v, subscribed_receptions=True, language="en"
        ),
        "gone": TelegramChat.objects.create(
            chat_id=1008, settlement=v, subscribed_receptions=True, stopped_at=NOW
        ),
    }


@pytest.fixture
def reception(tree):
    host = PersonFactory(unit=tree.district, surname="Жаксыбеков", name="Ерлан", patronymic="")
    r = FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Сельский клуб",
        starts_at=NOW + dt.timedelta(days=2, hours=1),  # Wednesday 9 December, 11:00
    )
    r.hosts.set([host])
    return r


def sms_sent():
    return [
        (n.to, n.body) for n in Notification.objects.filter(kind="reception_notice").order_by("pk")
    ]


def test_announcement_goes_once_to_each_who_agreed_on_their_channel_and_language(
    tree, village_people, reception, bot_api
):
    assert task_announcements_run.delay().get() == {"made": 4, "sent": 4, "failed": 0}
    # A second run (or the beat firing twice) tells nobody again.
    assert announcements.announcements_run() == {"made": 0, "sent": 0, "failed": 0}

    telegram = {m["chat_id"]: m["text"] for m in bot_api.sent()}
    assert sorted(telegram) == [1001, 1003, 1007]
    assert len(bot_api.sent()) == 3
    assert telegram[1003].startswith(
        "Выездной приём в Талшик: 9 декабря 2026 г. в 11:00, Сельский клуб. "
        "Принимают: Жаксыбеков Ерлан."
    )
    assert telegram[1001].startswith("Талшық")  # Kazakh, with the village's Kazakh name
    assert telegram[1007].startswith(
        "Field reception in Талшик: Dec. 9, 2026 at 11 a.m., Сельский клуб. "
        "Receiving: Жаксыбеков Ерлан. Come with your questions."
    )
    assert telegram[1007].endswith(f"/receptions/#reception-{reception.pk}")
    # Only the one who agreed to SMS alone gets an SMS; who agreed to both gets Telegram.
    [(to, body)] = sms_sent()
    assert to == "+77011110001"
    assert body.startswith("Выездной приём в Талшик: 9 декабря 2026 г. в 11:00")
    assert "http" not in body
    notices = ReceptionNotice.objects.all()
    assert {n.status for n in notices} == {"sent"}
    assert {(n.person_id, n.chat_id) for n in notices} == {
        (village_people["sms"].pk, None),
        (village_people["tg"].pk, village_people["tg_chat"].pk),
        (village_people["both"].pk, village_people["both_chat"].pk),
        (None, village_people["subscribed"].pk),
    }


def test_nothing_is_sent_before_the_days_ahead_then_all_at_once(
    tree, village_people, reception, bot_api, settings
):
    reception.starts_at = NOW + dt.timedelta(days=5)
    reception.save()
    assert announcements.announcements_run() == {"made": 0, "sent": 0, "failed": 0}
    settings.PERVICHKA_RECEPTION_ANNOUNCE_DAYS = 5
    assert announcements.announcements_run()["sent"] == 4


def test_a_private_or_past_reception_is_not_announced(tree, village_people, reception, bot_api):
    reception.is_public = False
    reception.save()
    assert announcements.announcements_run()["made"] == 0
    reception.is_public, reception.starts_at = True, NOW - dt.timedelta(hours=1)
    reception.save()
    assert announcements.announcements_run()["made"] == 0
    assert not bot_api.sent()


def test_moved_reception_tells_those_told_once_and_new_people_get_the_new_date(
    tree, village_people, reception, bot_api
):
    announcements.announcements_run()
    reception.starts_at = NOW + dt.timedelta(days=3)  # Thursday 10 December, 10:00
    reception.place = "Школа"
    reception.save()
    newcomer = agreed(
        PersonFactory(unit=tree.primary_a, settlement=tree.village, phone="+77011110009"), SMS
    )
    assert announcements.announcements_run() == {"made": 5, "sent": 5, "failed": 0}
    assert announcements.announcements_run() == {"made": 0, "sent": 0, "failed": 0}

    moved = [m for m in bot_api.sent() if m["chat_id"] == 1003]
    assert len(moved) == 2
    assert moved[1]["text"].startswith(
        "Выездной приём в Талшик перенесён: теперь 10 декабря 2026 г. в 10:00, Школа."
    )
    sms = sms_sent()
    to_newcomer = [body for to, body in sms if to == newcomer.phone]
    assert len(to_newcomer) == 1
    assert to_newcomer[0].startswith("Выездной приём в Талшик: 10 декабря 2026 г. в 10:00, Школа.")
    state = ReceptionAnnouncement.objects.get(reception=reception)
    assert (state.version, state.place) == (1, "Школа")
    assert ReceptionNotice.objects.filter(kind="moved").count() == 4


def test_cancelled_reception_tells_those_told_and_stops_the_rest(
    tree, village_people, reception, bot_api
):
    # Notices made for everyone; only the SMS one is sent before the cancellation.
    announcements.reception_announce(reception_id=reception.pk, now=NOW)
    sms_notice = ReceptionNotice.objects.get(channel="sms")
    announcements.notice_send(notice_id=sms_notice.pk)
    reception.status = "cancelled"
    reception.save()
    assert announcements.announcements_run() == {"made": 1, "sent": 1, "failed": 0}
    assert not bot_api.sent()  # the chats were never told, so they hear nothing
    assert [body for _to, body in sms_sent()][-1] == (
        "Выездной приём в Талшик 9 декабря 2026 г. отменён."
    )
    assert ReceptionNotice.objects.filter(status="skipped", kind="announce").count() == 3
    assert announcements.announcements_run() == {"made": 0, "sent": 0, "failed": 0}


def test_consent_withdrawn_before_sending_stops_the_message(
    tree, village_people, reception, bot_api
):
    announcements.reception_announce(reception_id=reception.pk, now=NOW)
    consent_stop_by_subject(person=village_people["sms"], purpose=SMS, channel="sms", reason="STOP")
    TelegramChat.objects.filter(chat_id=1007).update(stopped_at=NOW)
    announcements.announcements_run()
    assert sms_sent() == []
    assert sorted(m["chat_id"] for m in bot_api.sent()) == [1001, 1003]
    skipped = ReceptionNotice.objects.filter(status="skipped")
    assert sorted(n.error for n in skipped) == ["no SMS consent", "the chat stopped the bot"]


def test_a_claim_of_a_dead_worker_is_honoured_until_it_expires(
    tree, village_people, reception, bot_api, settings
):
    announcements.reception_announce(reception_id=reception.pk, now=NOW)
    # A worker claimed the notice to chat 1001 and was killed before it recorded anything.
    notice = ReceptionNotice.objects.get(chat__chat_id=1001)
    ReceptionNotice.objects.filter(pk=notice.pk).update(
        status="sending", claimed_at=timezone.now(), attempts=1
    )
    announcements.announcements_run()
    assert 1001 not in [m["chat_id"] for m in bot_api.sent()]
    settings.PERVICHKA_NOTIFICATION_CLAIM_SECONDS = 0
    ReceptionNotice.objects.filter(pk=notice.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=1)
    )
    announcements.announcements_run()
    assert [m["chat_id"] for m in bot_api.sent()].count(1001) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("sent", 2)


def test_telegram_asking_to_wait_leaves_the_rest_to_the_next_run(
    tree, village_people, reception, bot_api
):
    bot_api.failures = 1
    first = announcements.announcements_run()
    assert first["failed"] == 1
    assert ReceptionNotice.objects.filter(channel="telegram", status="sent").count() == 0
    second = announcements.announcements_run()
    assert second["sent"] == 3
    # The fake records the refused call too: chat 1001 was asked twice, told once.
    assert sorted(m["chat_id"] for m in bot_api.sent()) == [1001, 1001, 1003, 1007]
    assert ReceptionNotice.objects.filter(channel="telegram", status="sent").count() == 3


def test_a_chat_that_blocked_the_bot_is_not_retried(tree, village_people, reception, bot_api):
    bot_api.handlers["sendMessage"] = lambda body: {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    announcements.announcements_run()
    announcements.announcements_run()
    assert len(bot_api.sent()) == 3
    assert ReceptionNotice.objects.filter(channel="telegram", status="skipped").count() == 3


def test_the_unique_rows_refuse_a_second_announcement_to_one_person(
    tree, village_people, reception
):
    assert announcements.reception_announce(reception_id=reception.pk, now=NOW) == 4
    assert announcements.reception_announce(reception_id=reception.pk, now=NOW) == 0
    made = ReceptionNotice.objects.bulk_create(
        [
            ReceptionNotice(
                reception=reception,
                kind="announce",
                channel="sms",
                person=village_people["sms"],
            )
        ],
        ignore_conflicts=True,
    )
    assert ReceptionNotice.objects.filter(person=village_people["sms"]).count() == 1
    assert made  # bulk_create returns the objects; the database dropped the duplicate
