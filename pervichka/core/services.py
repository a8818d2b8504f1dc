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
    row = Notification(
        channel=channel,
        to=to,
        body=body,
        kind=kind,
        ref=ref,
        subject=subject[:255],
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        # Nothing unique to collide with: no savepoint (two round trips) around the insert.
        row.save(force_insert=True)
        notification = row
    else:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
                notification = row
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    # robust: with the broker (Redis) away the request still succeeds; the stored message is
    # sent by the periodic retry (core.notifications_retry) once the broker is back.
    transaction.on_commit(
        lambda: task_notification_send.delay(notification_id=notification.pk), robust=True
    )
    return notification
