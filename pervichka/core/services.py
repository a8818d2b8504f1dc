"""Writes every app shares: the notification outbox and working-day transfers."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from pervichka.core.models import CalendarOverride, Notification


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
    from pervichka.core.tasks import task_notification_send

    # robust: with the broker (Redis) away the request still succeeds; the stored message is
    # sent by the periodic retry (core.notifications_retry) once the broker is back.
    transaction.on_commit(
        lambda: task_notification_send.delay(notification_id=notification.pk), robust=True
    )
    return notification


def notification_send(*, notification: Notification) -> Notification:
    """Hand one stored message to its backend; record the result. Safe to call twice."""
    from pervichka.core.notify import send_email, send_sms

    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status == Notification.Status.SENT:
            return notification
        notification.attempts += 1
        try:
            if notification.channel == Notification.Channel.SMS:
                send_sms(notification.to, notification.body)
            else:
                send_email(
                    notification.to, notification.subject or notification.kind, notification.body
                )
        except Exception as exc:  # a gateway can fail in any way; the outbox keeps the message
            notification.status = Notification.Status.FAILED
            notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.error = ""
        notification.save()
    return notification


def calendar_override_set(*, actor, date: dt.date, is_working: bool, note: str = "") -> None:
    CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_working": is_working, "note": note}
    )
