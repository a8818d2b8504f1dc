"""The notification outbox: a message is claimed, handed to the gateway with no transaction
or lock open, and its result recorded; two workers never both send it, and a claim left by a
worker that died is taken again later."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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

    def send(self, to: str, text: str, *, message_id: str = "") -> None:
        RecordingSMSBackend.calls.append(
            {
                "to": to,
                "text": text,
                "message_id": message_id,
                "in_atomic_block": connection.in_atomic_block,
            }
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


class FakeGateway(BaseHTTPRequestHandler):
    """An SMS gateway on loopback: records every request, answers with `status`."""

    received: list[dict] = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeGateway.received.append(
            {
                "body": json.loads(body),
                "key": self.headers.get("Idempotency-Key"),
                "auth": self.headers.get("Authorization"),
            }
        )
        self.send_response(FakeGateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGateway.received, FakeGateway.status = [], 200
    settings.PERVICHKA_SMS_BACKEND = "pervichka.core.notify.HTTPSMSBackend"
    settings.PERVICHKA_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.PERVICHKA_SMS_TOKEN = "gateway-token"
    yield FakeGateway
    server.shutdown()
    server.server_close()


def test_the_http_backend_posts_the_message_with_its_outbox_id(http_gateway):
    message = sms()
    sent = notification_send(notification=message)
    assert sent.status == "sent"
    [request] = http_gateway.received
    assert request["body"] == {
        "id": f"notification:{message.pk}",
        "to": "+77012345678",
        "text": "Ваше обращение зарегистрировано",
    }
    assert request["key"] == f"notification:{message.pk}"
    assert request["auth"] == "Bearer gateway-token"


def test_a_gateway_refusing_the_message_leaves_it_failed_for_the_retry(http_gateway):
    http_gateway.status = 503
    failed = notification_send(notification=sms())
    assert failed.status == "failed"
    assert "503" in failed.error
    http_gateway.status = 200
    task_notifications_retry()
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert len(http_gateway.received) == 2


def test_the_claim_expiry_is_a_setting(gateway, settings):
    settings.PERVICHKA_NOTIFICATION_CLAIM_SECONDS = 30
    now = timezone.now()
    abandoned = sms(status="sending", claimed_at=now - dt.timedelta(seconds=31), attempts=1)
    task_notifications_retry()
    abandoned.refresh_from_db()
    assert abandoned.status == "sent"
