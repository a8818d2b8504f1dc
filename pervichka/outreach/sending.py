"""Sending mailings, in background workers (`outreach.tasks`, `manage.py mailings_send`).

Never twice to one person. When sending starts, one `Delivery` row per person of the
segment is written (UNIQUE per mailing and person), before any message goes. Each message
then takes three steps, none holding a lock or transaction across the call to the outside
(DESIGN.md): one UPDATE claims the row (of two workers only one claims it), the gateway is
called with no transaction open, a second UPDATE writes the result. A worker killed between
the claim and the result leaves the row "sending". Once its claim is older than
PERVICHKA_MAILING_CLAIM_SECONDS it is settled: a Telegram message is recorded as unknown and
never sent again (Telegram cannot tell whether it arrived, and a second message is the
failure we refuse); an SMS is sent again with the same message id, which the gateway drops
as a repeat (core.notify).

Consent is checked at the moment of sending: a person who withdrew the channel's consent or
opted out of the list after the mailing was scheduled is skipped and logged as such.

Limits: Telegram about 30 messages a second for the bot and one a second per chat; SMS as
many a second as the gateway allows (settings). Failures are tried again with a growing
pause (Telegram's retry_after when it asks), up to PERVICHKA_MAILING_MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from pervichka.appeals.models import Appeal
from pervichka.core import ratelimit, telegram
from pervichka.core.notify import send_sms
from pervichka.outreach.enums import DeliveryStatus, MailingChannel, MailingStatus
from pervichka.outreach.models import Delivery, ListOptOut, Mailing
from pervichka.outreach.selectors import segment_filter
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Consent, Person, TelegramChat

logger = logging.getLogger(__name__)

PURPOSE = {
    MailingChannel.SMS: ConsentPurpose.CONTACT_SMS,
    MailingChannel.TELEGRAM: ConsentPurpose.CONTACT_TELEGRAM,
}
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
BATCH = 1000


def text_for(mailing: Mailing, language: str) -> str:
    """The text in the person's language, falling back to Russian."""
    if language == "kk" and mailing.text_kk:
        return mailing.text_kk
    return mailing.text_ru


def _claim_expired_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.PERVICHKA_MAILING_CLAIM_SECONDS)


def _backoff(attempts: int, retry_after: int | None) -> dt.timedelta:
    if retry_after:
        return dt.timedelta(seconds=min(retry_after, 3600))
    return dt.timedelta(seconds=min(2**attempts, 600))


# --- starting ------------------------------------------------------------------------------


def _known_language(code: str | None) -> str:
    """A language the site writes in ("kk" of Telegram's "kk-KZ"), or "" for any other."""
    code = (code or "")[:2].lower()
    return code if code in dict(settings.LANGUAGES) else ""


def _appeal_languages(person_ids: list[int]) -> dict[int, str]:
    """The language of each person's latest appeal: the one they chose to be answered in,
    on the form or in the bot."""
    found: dict[int, str] = {}
    for person_id, language in (
        Appeal.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "-pk")
        .values_list("person_id", "language")
    ):
        found.setdefault(person_id, _known_language(language))
    return found


def _chats_of(person_ids: list[int]) -> dict[int, TelegramChat]:
    chats: dict[int, TelegramChat] = {}
    for chat in TelegramChat.objects.filter(
        person_id__in=person_ids, stopped_at__isnull=True
    ).order_by("-started_at"):
        chats.setdefault(chat.person_id, chat)
    return chats


def mailing_start(*, mailing_id: int, now: dt.datetime | None = None) -> bool:
    """Write the deliveries of a scheduled mailing whose time has come and mark it sending.
    Returns whether it started (a second call, or one before its time, does nothing)."""
    now = now or timezone.now()
    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update(of=("self",))
            .select_related("unit", "segment__unit")
            .filter(pk=mailing_id, status=MailingStatus.SCHEDULED)
            .filter(Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=now))
            .first()
        )
        if mailing is None:
            return False
        people = segment_filter(Person.objects.all(), mailing.segment).values_list("pk", "phone")
        batch: list[tuple[int, str]] = []
        for row in people.iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) >= BATCH:
                _write_deliveries(mailing, batch)
                batch = []
        _write_deliveries(mailing, batch)
        mailing.status = MailingStatus.SENDING
        mailing.started_at = now
        mailing.save(update_fields=["status", "started_at"])
    return True


def _write_deliveries(mailing: Mailing, rows: list[tuple[int, str]]) -> None:
    if not rows:
        return
    ids = [pk for pk, _phone in rows]
    chats = _chats_of(ids)
    appeal_languages = _appeal_languages(ids)
    consenting = set(
        Consent.objects.filter(
            person_id__in=ids, purpose=PURPOSE[mailing.channel], withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    opted = set(
        ListOptOut.objects.filter(person_id__in=ids, segment=mailing.segment).values_list(
            "person_id", flat=True
        )
    )
    deliveries = []
    for pk, phone in rows:
        chat = chats.get(pk)
        # What the person told us: the language of their Telegram chat (as they set it in
        # the bot), else that of their latest appeal; only then the site's own.
        language = (
            _known_language(chat.language if chat else "")
            or appeal_languages.get(pk)
            or settings.LANGUAGE_CODE[:2]
        )
        address = (
            phone if mailing.channel == MailingChannel.SMS else str(chat.chat_id if chat else "")
        )
        if pk not in consenting:
            status = DeliveryStatus.NO_CONSENT
        elif pk in opted:
            status = DeliveryStatus.OPTED_OUT
        elif not address:
            status = DeliveryStatus.NO_ADDRESS
        else:
            status = DeliveryStatus.PENDING
        deliveries.append(
            Delivery(
                mailing=mailing,
                person_id=pk,
                address=address,
                language=language[:8],
                status=status,
            )
        )
    # A person already written (a start repeated after a crash) keeps their row.
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)


def mailings_start_due(*, now: dt.datetime | None = None) -> list[int]:
    """Start every scheduled mailing whose time has come; the ids of those started."""
    now = now or timezone.now()
    due = Mailing.objects.filter(status=MailingStatus.SCHEDULED).filter(
        Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=now)
    )
    return [pk for pk in due.values_list("pk", flat=True) if mailing_start(mailing_id=pk, now=now)]


# --- sending -------------------------------------------------------------------------------


def _settle_abandoned(mailing: Mailing, now: dt.datetime) -> None:
    """Rows a dead worker claimed and never finished (see the module's docstring)."""
    abandoned = Delivery.objects.filter(
        mailing=mailing,
        status=DeliveryStatus.SENDING,
        claimed_at__lt=_claim_expired_before(now),
    )
    if mailing.channel == MailingChannel.TELEGRAM:
        n = abandoned.update(
            status=DeliveryStatus.INTERRUPTED,
            error="the sender stopped during the call; not sent again",
        )
    else:
        n = abandoned.update(status=DeliveryStatus.PENDING)
    if n:
        logger.warning("mailing %s: %s messages of a stopped sender settled", mailing.pk, n)


def _skip_reason(delivery: Delivery, mailing: Mailing) -> str | None:
    """Why the message must not go now, checked at the moment of sending."""
    if not Consent.objects.filter(
        person_id=delivery.person_id, purpose=PURPOSE[mailing.channel], withdrawn_at__isnull=True
    ).exists():
        return DeliveryStatus.NO_CONSENT
    if ListOptOut.objects.filter(
        person_id=delivery.person_id, segment_id=mailing.segment_id
    ).exists():
        return DeliveryStatus.OPTED_OUT
    if (
        mailing.channel == MailingChannel.TELEGRAM
        and not TelegramChat.objects.filter(
            chat_id=int(delivery.address), stopped_at__isnull=True
        ).exists()
    ):
        return DeliveryStatus.NO_ADDRESS
    return None


def _wait_for_slot(mailing: Mailing, delivery: Delivery) -> None:
    """Sleep until the channel's limits allow one more message (shared by every worker
    through the cache)."""
    if mailing.channel == MailingChannel.TELEGRAM:
        limits = [
            ("mailing-tg", "bot", settings.PERVICHKA_TELEGRAM_PER_SECOND),
            ("mailing-tg-chat", delivery.address, 1),
        ]
    else:
        limits = [("mailing-sms", "gateway", settings.PERVICHKA_SMS_PER_SECOND)]
    for scope, key, limit in limits:
        while not ratelimit.hit(scope, key, limit=limit, window_seconds=1):
            time.sleep(1.0 - (time.time() % 1.0) + 0.001)


def _deliver(mailing: Mailing, delivery: Delivery) -> None:
    text = text_for(mailing, delivery.language)
    if mailing.channel == MailingChannel.TELEGRAM:
        telegram.call("sendMessage", {"chat_id": int(delivery.address), "text": text})
    else:
        send_sms(delivery.address, text, message_id=f"mailing:{mailing.pk}:{delivery.person_id}")


def delivery_send(*, mailing: Mailing, delivery: Delivery) -> str:
    """Claim, send and record one message; returns its status. Call it outside a
    transaction: the claim must be committed before the gateway is called."""
    claimed_at = timezone.now()
    # The WHERE clause is re-checked against the committed row: of two workers claiming at
    # once only one updates it.
    claimed = Delivery.objects.filter(
        pk=delivery.pk,
        status__in=RETRYABLE,
        attempts__lt=settings.PERVICHKA_MAILING_MAX_ATTEMPTS,
    ).update(
        status=DeliveryStatus.SENDING,
        claimed_at=claimed_at,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return Delivery.objects.get(pk=delivery.pk).status
    mine = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at
    )
    reason = _skip_reason(delivery, mailing)
    if reason is not None:
        mine.update(status=reason)
        logger.info("mailing %s: person %s skipped (%s)", mailing.pk, delivery.person_id, reason)
        return reason
    _wait_for_slot(mailing, delivery)
    try:
        _deliver(mailing, delivery)
    except Exception as exc:  # a gateway fails in any way; the row keeps the message
        attempts = delivery.attempts + 1
        retry_after = getattr(exc, "retry_after", None)
        mine.update(
            status=DeliveryStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:500],
            next_attempt_at=timezone.now() + _backoff(attempts, retry_after),
        )
        return DeliveryStatus.FAILED
    # Sent is sent, even if a slow call outlived the claim.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    return DeliveryStatus.SENT


def _next_due(mailing: Mailing, now: dt.datetime):
    return (
        Delivery.objects.filter(
            mailing=mailing,
            status__in=RETRYABLE,
            attempts__lt=settings.PERVICHKA_MAILING_MAX_ATTEMPTS,
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .first()
    )


def _outstanding(mailing: Mailing):
    return Delivery.objects.filter(mailing=mailing).filter(
        Q(status=DeliveryStatus.SENDING)
        | Q(status__in=RETRYABLE, attempts__lt=settings.PERVICHKA_MAILING_MAX_ATTEMPTS)
    )


def mailing_send(
    *, mailing_id: int, budget_seconds: float | None = None, wait_for_retries: bool = True
) -> str:
    """Send what a mailing has left, until it is finished, paused or cancelled, or the
    budget of time is spent; returns the mailing's status. Safe to run in several workers
    at once and again after a crash."""
    started = time.monotonic()
    while True:
        mailing = Mailing.objects.select_related("segment").get(pk=mailing_id)
        if mailing.status != MailingStatus.SENDING:
            return mailing.status
        now = timezone.now()
        _settle_abandoned(mailing, now)
        delivery = _next_due(mailing, now)
        if delivery is not None:
            delivery_send(mailing=mailing, delivery=delivery)
        else:
            outstanding = _outstanding(mailing)
            if not outstanding.exists():
                Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).update(
                    status=MailingStatus.DONE, finished_at=now
                )
                continue
            if not wait_for_retries:
                return mailing.status
            # Only retries waiting for their time, or claims of another (or a dead) worker.
            next_at = outstanding.aggregate(at=Min("next_attempt_at"))["at"]
            pause = (next_at - now).total_seconds() if next_at and next_at > now else 1.0
            if budget_seconds is not None and (time.monotonic() - started + pause > budget_seconds):
                return mailing.status
            time.sleep(min(max(pause, 0.05), 5.0))
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return Mailing.objects.get(pk=mailing_id).status
