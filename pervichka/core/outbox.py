"""Sending the outbox: one stored notification at a time, with no lock held across the call
to the gateway (DESIGN.md). `core.services.notification_queue` writes the outbox; the tasks
in `core.tasks` call these functions."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from pervichka.core import telegram
from pervichka.core.models import Notification
from pervichka.core.notify import send_email, send_sms


# A worker that claimed a message and then died (killed mid-send) leaves it "sending"; after
# this long (PERVICHKA_NOTIFICATION_CLAIM_SECONDS, 10 minutes by default) the task delivered
# again or the retry task may claim it again. Longer than any gateway call may take.
def notification_claim_expires() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PERVICHKA_NOTIFICATION_CLAIM_SECONDS)


def notifications_claimable(*, now: dt.datetime | None = None) -> Q:
    """Messages a worker may claim: waiting, failed, or claimed by a worker long gone."""
    now = now or timezone.now()
    return Q(status__in=[Notification.Status.PENDING, Notification.Status.FAILED]) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=now - notification_claim_expires()
    )


def notification_send(*, notification: Notification) -> Notification:
    """Hand one stored message to its backend; record the result. Safe to call twice.

    Three steps, none holding a lock across the call to the outside (DESIGN.md): a single
    UPDATE claims the row (so a second worker finds nothing to send), the gateway is called
    with no transaction open, and a second UPDATE records the result. Call it outside a
    transaction (from a task): the claim must be committed before the gateway is called.
    """
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
            send_sms(
                notification.to, notification.body, message_id=f"notification:{notification.pk}"
            )
        elif notification.channel == Notification.Channel.TELEGRAM:
            payload = {"chat_id": int(notification.to), "text": notification.body}
            if notification.subject:
                payload["reply_markup"] = json.loads(notification.subject)
            telegram.call("sendMessage", payload)
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
