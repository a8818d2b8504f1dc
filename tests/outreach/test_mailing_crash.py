"""A worker killed mid-mailing and started again sends nobody a second message.

Real parts only: the worker is `manage.py mailings_send` in another process, against the
test database, sending to the fake Bot API on loopback over real HTTP. The fake answers
each message slowly; when the fifth message has reached it, the worker is killed with
SIGKILL (it is waiting for Telegram's answer, its delivery row claimed but not recorded)
and started again. Afterwards every chat got exactly one message, counted at the server,
and the message whose answer the dead worker never heard is logged as unknown, not sent
again."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from pervichka.outreach import mailings
from pervichka.outreach.enums import DeliveryStatus, MailingStatus
from pervichka.outreach.models import Delivery, Mailing, Segment
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import TelegramChat
from pervichka.people.services import consent_give_by_subject
from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]
PEOPLE = 12
KILL_AFTER = 5


def _worker_env(bot_api) -> dict:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "PERVICHKA_TESTING": "0",
        "LOG_LEVEL": "ERROR",
        "PERVICHKA_TELEGRAM_API_BASE": bot_api.url,
        "PERVICHKA_TELEGRAM_BOT_TOKEN": "123:test-token",
        # The restarted worker settles the dead one's claim after 2 s, not 10 minutes.
        "PERVICHKA_MAILING_CLAIM_SECONDS": "2",
    }
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["PERVICHKA_SQLITE_PATH"] = str(db["NAME"])
    return env


def _start(mailing_id: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "mailings_send",
            "--mailing",
            str(mailing_id),
            "--timeout",
            "90",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_killed_worker_restarted_sends_nobody_twice(tree, chair_a, bot_api):
    people = []
    for i in range(PEOPLE):
        person = PersonFactory(unit=tree.primary_a, surname=f"Житель{i}")
        consent_give_by_subject(
            person=person, purpose=ConsentPurpose.CONTACT_TELEGRAM, channel="telegram"
        )
        TelegramChat.objects.create(chat_id=7_000_000 + i, person=person, unit=tree.primary_a)
        people.append(person)
    segment = Segment.objects.create(unit=tree.primary_a, name="Все", kind="static")
    for person in people:
        segment.entries.create(person=person)
    mailing = mailings.mailing_save(
        actor=chair_a,
        mailing=Mailing(
            unit=tree.primary_a,
            segment=segment,
            channel="telegram",
            title="Проверка",
            text_ru="Сообщение",
            scheduled_for=timezone.now() + dt.timedelta(hours=1),
        ),
    )
    mailings.mailing_submit(actor=chair_a, mailing=mailing)
    Mailing.objects.filter(pk=mailing.pk).update(scheduled_for=timezone.now())

    reached = threading.Event()

    def slow_send(body):
        if len(bot_api.sent()) >= KILL_AFTER:
            reached.set()
        time.sleep(0.5)  # the worker waits for this answer when it is killed
        return {"ok": True, "result": bot_api.result("sendMessage", body, 1)}

    bot_api.handlers["sendMessage"] = slow_send
    env = _worker_env(bot_api)
    worker = _start(mailing.pk, env)
    try:
        assert reached.wait(120), worker.stderr.read().decode() if worker.poll() else ""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert len(bot_api.sent()) == KILL_AFTER
        in_flight = Delivery.objects.get(mailing=mailing, status=DeliveryStatus.SENDING)
        assert Delivery.objects.filter(mailing=mailing, status=DeliveryStatus.SENT).count() == (
            KILL_AFTER - 1
        )

        bot_api.handlers.pop("sendMessage")
        worker = _start(mailing.pk, env)
        assert worker.wait(timeout=120) == 0, worker.stderr.read().decode()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    chats = [body["chat_id"] for body in bot_api.sent()]
    assert sorted(chats) == [7_000_000 + i for i in range(PEOPLE)], "each chat exactly once"
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE
    statuses = dict(Delivery.objects.filter(mailing=mailing).values_list("pk", "status"))
    assert statuses.pop(in_flight.pk) == DeliveryStatus.INTERRUPTED
    assert set(statuses.values()) == {DeliveryStatus.SENT}
    assert len(statuses) == PEOPLE - 1
