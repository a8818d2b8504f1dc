"""Mailings: reads and writes. A chair composes a message to a segment or list of their
primary on one channel (SMS or Telegram) with a text in Russian and Kazakh, previews who
will actually get it (consent on the channel, no opt-out from the list, an address), sends
a test to themselves, and submits it; above the size the district sets the district
approves it first. Sending is `outreach.sending` (background workers).

Two opt-outs, both honoured when each message is sent: from one list (`ListOptOut`) and from
everything on a channel (the withdrawal of the channel's consent in the consent register,
which an SMS reply STOP records through `sms_inbound`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import telegram, tree
from pervichka.core.notify import send_sms
from pervichka.core.phones import normalize_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at
from pervichka.orgs.models import OrgUnit
from pervichka.outreach.enums import DeliveryStatus, MailingChannel, MailingStatus
from pervichka.outreach.models import Delivery, ListOptOut, Mailing, MailingPolicy, Segment
from pervichka.outreach.selectors import segment_people
from pervichka.outreach.sending import PURPOSE
from pervichka.outreach.tasks import task_mailing_send
from pervichka.people.enums import ConsentChannel, ConsentPurpose
from pervichka.people.models import Consent, Person, TelegramChat
from pervichka.people.services import consent_stop_by_subject

# What a person replies to stop every SMS (trimmed, any case): English, Russian, Kazakh.
STOP_WORDS = frozenset({"stop", "стоп", "тоқтату", "токтату"})
SAMPLE_SIZE = 20
TEXT_MAX = 1000
DEFAULT_APPROVAL_ABOVE = 200
EDITABLE = (MailingStatus.DRAFT,)


# --- reads ---------------------------------------------------------------------------------


def mailings_visible(user, *, perm: Perm = Perm.OUTREACH_VIEW) -> QuerySet[Mailing]:
    return Mailing.objects.visible_to(user, perm).select_related("unit", "segment")


def mailing_get(user, pk: object, *, perm: Perm = Perm.OUTREACH_VIEW) -> Mailing:
    return get_or_404(mailings_visible(user, perm=perm), pk=pk)


def mailings_awaiting(user) -> QuerySet[Mailing]:
    """Mailings the user may approve: awaiting, of units under a district the user manages."""
    return mailings_visible(user).filter(status=MailingStatus.AWAITING)


def can_approve(user, mailing: Mailing) -> bool:
    path = tree.district_path(mailing.unit.path)
    return bool(path) and has_perm_at(user, Perm.OUTREACH_MANAGE, path)


def segments_for_mailing(user) -> QuerySet[Segment]:
    return Segment.objects.visible_to(user, Perm.OUTREACH_MANAGE).select_related("unit")


def reachable(channel: str) -> Q:
    """People who have an address on the channel: a phone, or a Telegram chat not stopped."""
    if channel == MailingChannel.SMS:
        return ~Q(phone="")
    return Q(Exists(TelegramChat.objects.filter(person_id=OuterRef("pk"), stopped_at__isnull=True)))


def consent_q(channel: str) -> Q:
    """People with an open consent to messages on the channel (the register's row)."""
    return Q(
        Exists(
            Consent.objects.filter(
                person_id=OuterRef("pk"), purpose=PURPOSE[channel], withdrawn_at__isnull=True
            )
        )
    )


def opted_out_q(segment: Segment) -> Q:
    return Q(Exists(ListOptOut.objects.filter(person_id=OuterRef("pk"), segment=segment)))


def will_get_q(segment: Segment, channel: str) -> Q:
    return consent_q(channel) & ~opted_out_q(segment) & reachable(channel)


@dataclass(frozen=True)
class Preview:
    total: int
    will_get: int
    no_consent: int
    opted_out: int
    no_address: int
    sample: list[Person]


def mailing_preview(user, *, segment: Segment, channel: str) -> Preview:
    """Who the mailing would reach now, as the user sees the segment: counted in one query,
    with the reasons the others are left out, and a sample of those it reaches."""
    people = segment_people(user, segment)
    consent, opted, address = consent_q(channel), opted_out_q(segment), reachable(channel)
    counts = people.order_by().aggregate(
        total=Count("pk"),
        will_get=Count("pk", filter=consent & ~opted & address),
        no_consent=Count("pk", filter=~consent),
        opted_out=Count("pk", filter=consent & opted),
        no_address=Count("pk", filter=consent & ~opted & ~address),
    )
    sample = list(
        people.filter(consent & ~opted & address).select_related("settlement")[:SAMPLE_SIZE]
    )
    return Preview(sample=sample, **counts)


def approval_above(unit: OrgUnit) -> int:
    """The size above which a mailing of the unit waits for its district's approval."""
    path = tree.district_path(unit.path) or unit.path
    policy = MailingPolicy.objects.filter(district__path=path).first()
    return policy.approval_above if policy else DEFAULT_APPROVAL_ABOVE


@dataclass(frozen=True)
class DeliveryLog:
    counts: dict[str, int]
    opted_out_after: int
    total: int


def delivery_log(mailing: Mailing) -> DeliveryLog:
    """The deliveries of a mailing by status, and how many people opted out after it."""
    rows = Delivery.objects.filter(mailing=mailing)
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    for row in rows.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return DeliveryLog(
        counts=counts,
        opted_out_after=rows.filter(opted_out_at__isnull=False).count(),
        total=sum(counts.values()),
    )


def deliveries_of(mailing: Mailing, status: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(mailing=mailing).select_related("person")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("pk")


def list_optouts_of(person: Person) -> QuerySet[ListOptOut]:
    return ListOptOut.objects.filter(person=person).select_related("segment").order_by("pk")


def contact_consents_of(person: Person) -> list[tuple[str, bool | None]]:
    """Per contact channel: True (may contact), False (opted out of everything), None
    (never asked)."""
    rows = Consent.objects.filter(person=person, purpose__in=[p.value for p in PURPOSE.values()])
    state: dict[str, bool | None] = {}
    for consent in rows.order_by("given_at"):
        state[consent.purpose] = state.get(consent.purpose) or consent.withdrawn_at is None
    return [(str(purpose.label), state.get(purpose.value)) for purpose in PURPOSE.values()]


# --- writes --------------------------------------------------------------------------------


def _require(actor, path: str) -> None:
    if not has_perm_at(actor, Perm.OUTREACH_MANAGE, path):
        raise Http404


def _clean_text(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({field: _("The text contains a NUL character.")})
    if required and not text:
        raise ValidationError({field: _("Write the text of the message.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("Keep the message within 1000 characters.")})
    return text


def mailing_save(*, actor, mailing: Mailing) -> Mailing:
    """Create or change a draft mailing of a unit where the actor works with citizens, to a
    segment or list the actor manages under that unit."""
    _require(actor, mailing.unit.path)
    if mailing.pk and Mailing.objects.filter(pk=mailing.pk).exclude(status__in=EDITABLE).exists():
        raise ValidationError(_("Only a draft can be changed."))
    segment = mailing.segment
    if not (
        segment.unit.path.startswith(mailing.unit.path)
        and has_perm_at(actor, Perm.OUTREACH_MANAGE, segment.unit.path)
    ):
        raise ValidationError({"segment": _("Choose a segment or list of this unit.")})
    if mailing.channel not in MailingChannel.values:
        raise ValidationError({"channel": _("Choose the channel.")})
    mailing.title = _clean_text(mailing.title, "title", required=True)[:200]
    mailing.text_ru = _clean_text(mailing.text_ru, "text_ru", required=True)
    mailing.text_kk = _clean_text(mailing.text_kk, "text_kk", required=False)
    if mailing.scheduled_for is not None:
        now = timezone.now()
        if (
            not now - dt.timedelta(minutes=5)
            <= mailing.scheduled_for
            <= now + dt.timedelta(days=366)
        ):
            raise ValidationError({"scheduled_for": _("Schedule it within the coming year.")})
    mailing.status = MailingStatus.DRAFT
    if mailing.created_by_id is None and getattr(actor, "is_authenticated", False):
        mailing.created_by = actor
    mailing.full_clean(exclude=["created_by", "approved_by"])
    mailing.save()
    return mailing


def _lock(mailing: Mailing) -> Mailing:
    return Mailing.objects.select_for_update().select_related("unit").get(pk=mailing.pk)


def _enqueue_if_due(mailing: Mailing) -> None:
    if mailing.status == MailingStatus.SCHEDULED and (
        mailing.scheduled_for is None or mailing.scheduled_for <= timezone.now()
    ):
        transaction.on_commit(lambda: task_mailing_send.delay(mailing_id=mailing.pk))


@transaction.atomic
def mailing_submit(*, actor, mailing: Mailing) -> Mailing:
    """Send the draft on its way: counted as the actor sees it; above the district's size
    it waits for the district's approval, otherwise it is scheduled (or sent now)."""
    _require(actor, mailing.unit.path)
    mailing = _lock(mailing)
    if mailing.status != MailingStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    preview = mailing_preview(actor, segment=mailing.segment, channel=mailing.channel)
    if not preview.will_get:
        raise ValidationError(_("Nobody would get this mailing: check consent and addresses."))
    mailing.recipients_expected = preview.will_get
    mailing.submitted_at = timezone.now()
    if preview.will_get > approval_above(mailing.unit) and not can_approve(actor, mailing):
        mailing.status = MailingStatus.AWAITING
    else:
        mailing.status = MailingStatus.SCHEDULED
    mailing.save()
    _enqueue_if_due(mailing)
    return mailing


@transaction.atomic
def mailing_approve(*, actor, mailing: Mailing) -> Mailing:
    """The district approves a mailing above its size: it is scheduled (or sent now)."""
    if not can_approve(actor, mailing):
        raise Http404
    mailing = _lock(mailing)
    if mailing.status != MailingStatus.AWAITING:
        raise ValidationError(_("This mailing is not awaiting approval."))
    mailing.status = MailingStatus.SCHEDULED
    mailing.approved_by = actor
    mailing.approved_at = timezone.now()
    mailing.save()
    _enqueue_if_due(mailing)
    return mailing


@transaction.atomic
def mailing_return(*, actor, mailing: Mailing) -> Mailing:
    """The district returns a mailing awaiting approval to its author as a draft."""
    if not can_approve(actor, mailing):
        raise Http404
    mailing = _lock(mailing)
    if mailing.status != MailingStatus.AWAITING:
        raise ValidationError(_("This mailing is not awaiting approval."))
    mailing.status = MailingStatus.DRAFT
    mailing.save()
    return mailing


@transaction.atomic
def mailing_pause(*, actor, mailing: Mailing) -> Mailing:
    """Stop sending; what is sent stays sent, the rest waits for `mailing_resume`."""
    _require(actor, mailing.unit.path)
    mailing = _lock(mailing)
    if mailing.status not in (MailingStatus.SCHEDULED, MailingStatus.SENDING):
        raise ValidationError(_("Only a scheduled mailing or one being sent can be paused."))
    mailing.status = MailingStatus.PAUSED
    mailing.save()
    return mailing


@transaction.atomic
def mailing_resume(*, actor, mailing: Mailing) -> Mailing:
    _require(actor, mailing.unit.path)
    mailing = _lock(mailing)
    if mailing.status != MailingStatus.PAUSED:
        raise ValidationError(_("Only a paused mailing can be resumed."))
    mailing.status = MailingStatus.SENDING if mailing.started_at else MailingStatus.SCHEDULED
    mailing.save()
    if mailing.status == MailingStatus.SENDING:
        transaction.on_commit(lambda: task_mailing_send.delay(mailing_id=mailing.pk))
    _enqueue_if_due(mailing)
    return mailing


@transaction.atomic
def mailing_cancel(*, actor, mailing: Mailing) -> Mailing:
    """Nothing more is sent; the messages waiting are logged as not sent."""
    _require(actor, mailing.unit.path)
    mailing = _lock(mailing)
    if mailing.status in (MailingStatus.DONE, MailingStatus.CANCELLED):
        raise ValidationError(_("This mailing is already finished."))
    mailing.status = MailingStatus.CANCELLED
    mailing.finished_at = timezone.now()
    mailing.save()
    Delivery.objects.filter(
        mailing=mailing, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
    ).update(status=DeliveryStatus.CANCELLED)
    return mailing


def mailing_test_send(*, actor, mailing: Mailing) -> int:
    """Send the mailing's texts (each language written) to the actor's own phone or
    Telegram chat; nothing is recorded. Returns how many messages went."""
    _require(actor, mailing.unit.path)
    person = actor.person
    texts = [t for t in (mailing.text_ru, mailing.text_kk) if t]
    if mailing.channel == MailingChannel.SMS:
        if person is None or not person.phone:
            raise ValidationError(_("Your account has no phone to send a test to."))
        for text in texts:
            send_sms(person.phone, text)
        return len(texts)
    chat = (
        TelegramChat.objects.filter(person=person, stopped_at__isnull=True).first()
        if person is not None
        else None
    )
    if chat is None:
        raise ValidationError(_("Start the Telegram bot from your phone to receive a test."))
    try:
        for text in texts:
            telegram.call("sendMessage", {"chat_id": chat.chat_id, "text": text})
    except telegram.TelegramError as exc:
        raise ValidationError(_("Telegram did not take the test: %s") % exc) from exc
    return len(texts)


@transaction.atomic
def policy_set(*, actor, district: OrgUnit, approval_above: int) -> MailingPolicy:
    """The district sets above how many recipients its units' mailings need its approval."""
    if district.kind != tree.DISTRICT:
        raise Http404
    _require(actor, district.path)
    if not 0 <= approval_above <= 1_000_000:
        raise ValidationError({"approval_above": _("Enter a number from 0 to 1 000 000.")})
    policy, _created = MailingPolicy.objects.update_or_create(
        district=district, defaults={"approval_above": approval_above}
    )
    return policy


def list_optout_record(*, actor, person: Person, segment: Segment) -> ListOptOut:
    """The person asked not to get this list's messages (other lists still reach them)."""
    _require(actor, segment.unit.path)
    _require(actor, person.unit.path)
    optout, _created = ListOptOut.objects.get_or_create(
        person=person, segment=segment, defaults={"recorded_by": actor}
    )
    return optout


def list_optout_remove(*, actor, optout: ListOptOut) -> None:
    _require(actor, optout.segment.unit.path)
    optout.delete()


def is_stop(text: str) -> bool:
    return (text or "").strip().strip(".!").casefold() in STOP_WORDS


def sms_inbound(*, phone: str, text: str) -> int:
    """An SMS reply from the gateway. STOP (СТОП, ТОҚТАТУ) withdraws the SMS consent of
    every person with that phone — the opt-out from everything on SMS — and marks the last
    SMS mailing they got as the one they stopped after. Returns how many people changed;
    a repeated STOP changes nothing."""
    if not is_stop(text):
        return 0
    try:
        e164 = normalize_phone(phone)
    except ValidationError:
        return 0
    if not e164:
        return 0
    changed = 0
    for person in Person.objects.filter(phone=e164).order_by("pk")[:50]:
        if consent_stop_by_subject(
            person=person,
            purpose=ConsentPurpose.CONTACT_SMS,
            channel=ConsentChannel.SMS,
            reason="SMS STOP",
        ):
            changed += 1
            last = (
                Delivery.objects.filter(
                    person=person,
                    mailing__channel=MailingChannel.SMS,
                    status=DeliveryStatus.SENT,
                )
                .order_by("-sent_at")
                .first()
            )
            if last is not None and last.opted_out_at is None:
                Delivery.objects.filter(pk=last.pk).update(opted_out_at=timezone.now())
    return changed
