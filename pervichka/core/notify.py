"""Sending messages to people: a small notifier interface with SMS and email backends.

The SMS gateway is outside the system: production names a backend class in
PERVICHKA_SMS_BACKEND — `HTTPSMSBackend` posts each message as JSON to PERVICHKA_SMS_URL —
the demo and development write to the console; tests collect messages in memory
(`LocmemSMSBackend.outbox`), like Django's locmem email backend.

Every message carries a `message_id` (the outbox row's, "notification:<pk>"): a worker killed
after the gateway accepted a message but before the outbox recorded it sends it again, and
the gateway drops the repeat by that id (docs/reliability.md).
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSBackend(Protocol):
    def send(self, to: str, text: str, *, message_id: str = "") -> None: ...


class ConsoleSMSBackend:
    """Writes each SMS to standard output: the demo has no gateway."""

    def send(self, to: str, text: str, *, message_id: str = "") -> None:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()


class LocmemSMSBackend:
    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str, *, message_id: str = "") -> None:
        LocmemSMSBackend.outbox.append((to, text))


class FailingSMSBackend:
    """For tests of the retry path: every send fails, as an unreachable gateway would."""

    def send(self, to: str, text: str, *, message_id: str = "") -> None:
        raise ConnectionError("SMS gateway unreachable")


class HTTPSMSBackend:
    """A generic HTTP gateway: POST {"id", "to", "text"} as JSON to PERVICHKA_SMS_URL, with
    the id also as the Idempotency-Key header and PERVICHKA_SMS_TOKEN (when set) as a bearer
    token. Any answer but 2xx, or no answer within PERVICHKA_SMS_TIMEOUT seconds, raises: the
    outbox marks the message failed and the retry task sends it again."""

    def send(self, to: str, text: str, *, message_id: str = "") -> None:
        headers = {"Content-Type": "application/json"}
        if message_id:
            headers["Idempotency-Key"] = message_id
        if settings.PERVICHKA_SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.PERVICHKA_SMS_TOKEN}"
        body = json.dumps({"id": message_id, "to": to, "text": text}).encode()
        request = urllib.request.Request(
            settings.PERVICHKA_SMS_URL, data=body, headers=headers, method="POST"
        )
        # urlopen raises HTTPError for 4xx and 5xx answers.
        with urllib.request.urlopen(request, timeout=settings.PERVICHKA_SMS_TIMEOUT) as answer:
            answer.read()


def sms_backend() -> SMSBackend:
    return import_string(settings.PERVICHKA_SMS_BACKEND)()


def send_sms(to: str, text: str, *, message_id: str = "") -> None:
    sms_backend().send(to, text, message_id=message_id)


def send_email(to: str, subject: str, text: str) -> None:
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
