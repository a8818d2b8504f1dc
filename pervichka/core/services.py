"""Writes every app shares: the notification outbox and working-day transfers."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from pervichka.core.models import Notification


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

    transaction.on_commit(lambda: task_notification_send.delay(notification_id=notification.pk))
    return notification


# A worker that claimed a message and then died (killed mid-send) leaves it "sending"; after
# this long the retry task may claim it again. Longer than any gateway call may take.
NOTIFICATION_CLAIM_EXPIRES = dt.timedelta(minutes=10)


def notifications_claimable(*, now: dt.datetime | None = None) -> Q:
    """Messages a worker may claim: waiting, failed, or claimed by a worker long gone."""
    now = now or timezone.now()
    return Q(status__in=[Notification.Status.PENDING, Notification.Status.FAILED]) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=now - NOTIFICATION_CLAIM_EXPIRES
    )


def notification_send(*, notification: Notification) -> Notification:
    """Hand one stored message to its backend; record the result. Safe to call twice.

    Three steps, none holding a lock across the call to the outside (DESIGN.md): a single
    UPDATE claims the row (so a second worker finds nothing to send), the gateway is called
    with no transaction open, and a second UPDATE records the result. Call it outside a
    transaction (from a task): the claim must be committed before the gateway is called.
    """
    from pervichka.core.notify import send_email, send_sms

    claimed_at = timezone.now()
    # The WHERE clause is re-checked against the committed row by the database, so of two
    # workers claiming at once only one updates it.
    claimed = Notification.objects.filter(
        notifications_claimable(now=claimed_at), pk=notification.pk
    ).update(status=Notification.Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1)
    notification = Notification.objects.get(pk=notification.pk)
    if not claimed:
        return notification
    try:
        if notification.channel == Notification.Channel.SMS:
            send_sms(notification.to, notification.body)
        else:
            send_email(
                notification.to, notification.subject or notification.kind, notification.body
            )
    except Exception as exc:  # a gateway can fail in any way; the outbox keeps the message
        # Only while the claim is still ours: after it expired another worker owns the row.
        Notification.objects.filter(
            pk=notification.pk, status=Notification.Status.SENDING, claimed_at=claimed_at
        ).update(status=Notification.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
    else:
        # Sent is sent, even if a slow call outlived the claim.
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), error=""
        )
    notification.refresh_from_db()
    return notification
