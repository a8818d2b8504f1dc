"""The notification outbox: a message is claimed, handed to the gateway with no transaction
or lock open, and its result recorded; two workers never both send it, and a claim left by a
worker that died is taken again later."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from pervichka.core.models import Notification
from pervichka.core.outbox import notification_send
from pervichka.core.tasks import task_notifications_retry

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = "tests.core.test_notifications.RecordingSMSBackend"


class RecordingSMSBackend:
    """A fake gateway (the outside of the system) that remembers how it was called."""

    calls: list[dict] = []
    # Runs during the send, as a second worker or a crash would interleave with it.
    during_send = None

    def send(self, to: str, text: str) -> None:
        RecordingSMSBackend.calls.append(
            {"to": to, "text": text, "in_atomic_block": connection.in_atomic_block}
        )
        if RecordingSMSBackend.during_send is not None:
            RecordingSMSBackend.during_send()


@pytest.fixture(autouse=True)
def gateway(settings):
    settings.PERVICHKA_SMS_BACKEND = BACKEND
    RecordingSMSBackend.calls = []
    RecordingSMSBackend.during_send = None
    yield RecordingSMSBackend
    RecordingSMSBackend.calls = []
    RecordingSMSBackend.during_send = None


def sms(**fields) -> Notification:
    return Notification.objects.create(
        channel="sms",
        to="+77012345678",
        body="Ваше обращение зарегистрировано",
        kind="test",
        ref="test:1",
        **fields,
    )


def test_no_transaction_is_open_while_the_gateway_is_called(gateway):
    message = sms()
    sent = notification_send(notification=message)
    assert [call["in_atomic_block"] for call in gateway.calls] == [False]
    assert (sent.status, sent.attempts, sent.error) == ("sent", 1, "")
    assert sent.sent_at is not None


def test_a_second_worker_finds_nothing_to_send_while_the_first_is_sending(gateway):
    message = sms()
    second_worker = []
    gateway.during_send = lambda: second_worker.append(notification_send(notification=message))
    notification_send(notification=message)
    assert len(gateway.calls) == 1
    [seen_by_second] = second_worker
    assert seen_by_second.status == "sending"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    # Once sent, a repeated task sends nothing either.
    notification_send(notification=message)
    task_notifications_retry()
    assert len(gateway.calls) == 1


def test_a_claim_left_by_a_dead_worker_is_sent_again_by_the_retry_later(gateway):
    now = timezone.now()
    recent = sms(status="sending", claimed_at=now - dt.timedelta(minutes=1), attempts=1)
    abandoned = sms(status="sending", claimed_at=now - dt.timedelta(minutes=11), attempts=1)
    task_notifications_retry()
    assert len(gateway.calls) == 1
    recent.refresh_from_db()
    abandoned.refresh_from_db()
    assert recent.status == "sending"  # its worker may still be talking to the gateway
    assert (abandoned.status, abandoned.attempts) == ("sent", 2)


def test_a_failure_is_recorded_and_the_message_kept_for_the_retry(gateway):
    def down():
        raise ConnectionError("SMS gateway unreachable")

    gateway.during_send = down
    message = notification_send(notification=sms())
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.error == "ConnectionError: SMS gateway unreachable"
    gateway.during_send = None
    task_notifications_retry()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(gateway.calls) == 2
