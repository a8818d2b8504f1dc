"""Writes every app shares: the notification outbox and working-day transfers."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from pervichka.core.models import Notification
from pervichka.core.tasks import task_notification_send


def notification_queue(
    *,
    channel: str,
    to: str,
    body: str,
    kind: str,
    ref: str,
    subject: str = "",
    dedupe_key: str | None = None,
) -> Notification | None:
    """Store a message and send it after the surrounding transaction commits.

    Returns None (and stores nothing) when there is no recipient, or when a message with the
    same `dedupe_key` exists already: a reminder is sent once however often it is asked for.
    """
    if not to:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                channel=channel,
                to=to,
                body=body,
                kind=kind,
                ref=ref,
                subject=subject[:255],
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: task_notification_send.delay(notification_id=notification.pk))
    return notification
