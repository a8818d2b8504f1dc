"""Sending messages to people: a small notifier interface with SMS and email backends.

The SMS gateway is outside the system: production names a backend class in
PERVICHKA_SMS_BACKEND (an HTTP gateway's adapter); the demo and development write to the
console; tests collect messages in memory (`LocmemSMSBackend.outbox`), like Django's
locmem email backend.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class ConsoleSMSBackend:
    """Writes each SMS to standard output: the demo has no gateway."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()


class LocmemSMSBackend:
    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        LocmemSMSBackend.outbox.append((to, text))


class FailingSMSBackend:
    """For tests of the retry path: every send fails, as an unreachable gateway would."""

    def send(self, to: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")


def sms_backend() -> SMSBackend:
    return import_string(settings.PERVICHKA_SMS_BACKEND)()


def send_sms(to: str, text: str) -> None:
    sms_backend().send(to, text)


def send_email(to: str, subject: str, text: str) -> None:
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
