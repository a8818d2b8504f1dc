"""Field receptions announced to their village (issue 17, point 6): who is told, when, and
the poster a primary prints.

A periodic task (`outreach.receptions_announce`) finds what is due: a planned public
reception starting within PERVICHKA_RECEPTION_ANNOUNCE_DAYS gets one notice per person or
Telegram chat of its village that agreed to be told (an open CONTACT_SMS consent and a
phone, or an open CONTACT_TELEGRAM consent and a chat with the bot not stopped, or a chat
subscribed to the village's receptions). A reception moved (date, place or village) or
cancelled after people were told gets a correction or a cancellation for those told,
under a new version of `ReceptionAnnouncement`. Notices are unique per (reception,
version, person) and (reception, version, chat): a task run twice, or by two workers at
once, tells nobody twice.

Sending claims a notice by one UPDATE and holds no transaction across the call to the
outside: SMS go into the outbox (core.outbox sends them, with its own retries), Telegram
goes through core.telegram. Consent is asked again at the moment of sending.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from pervichka.appeals.enums import FieldReceptionStatus
from pervichka.appeals.models import Appeal, FieldReception
from pervichka.core import telegram, tree
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.core.services import notification_queue
from pervichka.core.siteurl import site_url
from pervichka.orgs.models import OrgUnit
from pervichka.outreach.models import ReceptionAnnouncement, ReceptionNotice
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Consent, Person, TelegramChat

logger = logging.getLogger(__name__)

LANGUAGES = ("ru", "kk", "en")
MAX_ATTEMPTS = 5
# Telegram allows about 30 messages a second to different chats; stay below it.
TELEGRAM_PAUSE_SECONDS = 1 / 25
Status = ReceptionNotice.Status
Kind = ReceptionNotice.Kind


# --- the deep link and the poster ----------------------------------------------------------


def reception_public_url(reception: FieldReception) -> str:
    """The portal's calendar of field receptions, at this one."""
    return f"{site_url()}{reverse('public:receptions')}#reception-{reception.pk}"


def poster_primaries(user, *, perm: Perm = Perm.OUTREACH_VIEW) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(user, perm).filter(kind=tree.PRIMARY)


def _receptions_for_primary(primary: OrgUnit) -> QuerySet[FieldReception]:
    """The receptions a primary may put on a poster: the public ones of its district (a
    poster announces, so a reception kept off the portal gets none)."""
    district = tree.district_path(primary.path) or primary.path
    return (
        FieldReception.objects.filter(unit__path__startswith=district, is_public=True)
        .select_related("settlement", "unit")
        .prefetch_related("hosts")
    )


def poster_get(user, reception_pk: object, primary_pk: object) -> tuple[FieldReception, OrgUnit]:
    """A reception and the primary whose poster it is; 404 unless the user works with
    citizens at that primary and the reception is one the primary may announce."""
    primary = get_or_404(poster_primaries(user), pk=primary_pk)
    return get_or_404(_receptions_for_primary(primary), pk=reception_pk), primary


@dataclass(frozen=True)
class ReceptionRow:
    reception: FieldReception
    primaries: list[OrgUnit]
    told: int
    waiting: int
    failed: int


def receptions_for_posters(user, *, limit: int = 100) -> list[ReceptionRow]:
    """Upcoming public receptions in the districts of the user's primaries, each with the user's
    primaries of that village (or of the district, if none is in the village) and how many
    notices went out."""
    primaries = list(poster_primaries(user).select_related("settlement").order_by("path")[:500])
    districts = {tree.district_path(p.path) for p in primaries} - {None}
    if not districts:
        return []
    in_districts = Q()
    for path in districts:
        in_districts |= Q(unit__path__startswith=path)
    now = timezone.now()
    receptions = list(
        FieldReception.objects.filter(
            in_districts, is_public=True, starts_at__gte=now - dt.timedelta(days=1)
        )
        .exclude(status=FieldReceptionStatus.HELD)
        .select_related("settlement", "unit")
        .order_by("starts_at")[:limit]
    )
    counts = {
        row["reception_id"]: row
        for row in ReceptionNotice.objects.filter(reception__in=receptions)
        .values("reception_id")
        .annotate(
            told=Count("pk", filter=Q(status=Status.SENT)),
            waiting=Count("pk", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
        )
    }
    rows = []
    for reception in receptions:
        district = tree.district_path(reception.unit.path) or reception.unit.path
        mine = [p for p in primaries if p.path.startswith(district)]
        if not mine:
            continue
        village = [p for p in mine if p.settlement_id == reception.settlement_id]
        c = counts.get(reception.pk, {})
        rows.append(
            ReceptionRow(
                reception=reception,
                primaries=(village or mine)[:10],
                told=c.get("told", 0),
                waiting=c.get("waiting", 0),
                failed=c.get("failed", 0),
            )
        )
    return rows


# --- who is told ---------------------------------------------------------------------------


def _language(code: str | None) -> str:
    code = (code or "")[:2].lower()
    return code if code in LANGUAGES else settings.LANGUAGE_CODE[:2]


def _open_consent(purpose: str, person_ref: str = "pk") -> Exists:
    return Exists(
        Consent.objects.filter(
            person_id=OuterRef(person_ref), purpose=purpose, withdrawn_at__isnull=True
        )
    )


def _person_language() -> Subquery:
    """The language of the person's latest appeal: the one they chose to be written in."""
    return Subquery(
        Appeal.objects.filter(person_id=OuterRef("pk")).order_by("-pk").values("language")[:1]
    )


def _recipients(reception: FieldReception) -> tuple[list[tuple], list[tuple]]:
    """(chats, sms): Telegram chats as (chat_id, person_id, language) and SMS recipients
    as (person_id, language), one message per person; Telegram first where both fit."""
    village = reception.settlement_id
    telegram_people = Person.objects.filter(
        _open_consent(ConsentPurpose.CONTACT_TELEGRAM), settlement_id=village
    ).values("pk")
    chats = {}
    for chat_pk, person_pk, language, person_language in (
        TelegramChat.objects.filter(stopped_at__isnull=True)
        .filter(
            Q(settlement_id=village, subscribed_receptions=True) | Q(person_id__in=telegram_people)
        )
        .annotate(
            person_language=Subquery(
                Appeal.objects.filter(person_id=OuterRef("person_id"))
                .order_by("-pk")
                .values("language")[:1]
            )
        )
        .values_list("pk", "person_id", "language", "person_language")
        .order_by("pk")
    ):
        chats[chat_pk] = (chat_pk, person_pk, _language(language or person_language))
    # A person with two chats is told in one of them.
    seen_people: set[int] = set()
    chat_rows = []
    for chat_pk, person_pk, language in chats.values():
        if person_pk is not None:
            if person_pk in seen_people:
                continue
            seen_people.add(person_pk)
        chat_rows.append((chat_pk, person_pk, language))
    sms_rows = [
        (pk, _language(language))
        for pk, language in Person.objects.filter(
            _open_consent(ConsentPurpose.CONTACT_SMS), settlement_id=village
        )
        .exclude(phone="")
        .annotate(language=_person_language())
        .values_list("pk", "language")
        .order_by("pk")
        if pk not in seen_people
    ]
    return chat_rows, sms_rows


def _changed(state: ReceptionAnnouncement, reception: FieldReception) -> bool:
    return (
        state.starts_at != reception.starts_at
        or state.place != reception.place
        or state.settlement_id != reception.settlement_id
    )


def _is_due(reception: FieldReception, now: dt.datetime) -> bool:
    ahead = dt.timedelta(days=settings.PERVICHKA_RECEPTION_ANNOUNCE_DAYS)
    return (
        reception.status == FieldReceptionStatus.PLANNED
        and reception.is_public
        and now < reception.starts_at <= now + ahead
    )


@transaction.atomic
def reception_announce(*, reception_id: int, now: dt.datetime | None = None) -> int:
    """Make the notices a reception owes now: corrections or a cancellation for those told
    of an earlier date or place, and the announcement for everyone of the village not told
    yet (when it is due). Returns how many notices were made."""
    now = now or timezone.now()
    # The reception's row is locked so that two runs at once agree on the version.
    reception = (
        FieldReception.objects.select_for_update(of=("self",))
        .select_related("settlement")
        .filter(pk=reception_id)
        .first()
    )
    if reception is None:
        return 0
    state = ReceptionAnnouncement.objects.filter(reception=reception).first()
    made = 0
    cancelled = reception.status == FieldReceptionStatus.CANCELLED
    if state is not None and not state.cancelled and (cancelled or _changed(state, reception)):
        # Those told (of any version) hear of the change in the language they were told in.
        told = {
            (person_pk, chat_pk): (channel, language)
            for person_pk, chat_pk, channel, language in ReceptionNotice.objects.filter(
                reception=reception, status=Status.SENT
            )
            .order_by("pk")
            .values_list("person_id", "chat_id", "channel", "language")
        }
        state.version += 1
        state.starts_at, state.place = reception.starts_at, reception.place
        state.settlement_id, state.cancelled = reception.settlement_id, cancelled
        state.save()
        kind = Kind.CANCELLED if cancelled else Kind.MOVED
        made += len(
            ReceptionNotice.objects.bulk_create(
                [
                    ReceptionNotice(
                        reception=reception,
                        version=state.version,
                        kind=kind,
                        channel=channel,
                        person_id=person_pk,
                        chat_id=chat_pk,
                        language=language,
                    )
                    for (person_pk, chat_pk), (channel, language) in told.items()
                ],
                ignore_conflicts=True,
            )
        )
    if not _is_due(reception, now) or (state is not None and state.cancelled):
        return made
    if state is None:
        state = ReceptionAnnouncement.objects.create(
            reception=reception,
            starts_at=reception.starts_at,
            place=reception.place,
            settlement_id=reception.settlement_id,
        )
    chats, sms = _recipients(reception)
    earlier = ReceptionNotice.objects.filter(reception=reception)
    told_people = set(earlier.exclude(person=None).values_list("person_id", flat=True))
    told_chats = set(earlier.exclude(chat=None).values_list("chat_id", flat=True))
    notices = [
        ReceptionNotice(
            reception=reception,
            version=state.version,
            kind=Kind.ANNOUNCE,
            channel=ReceptionNotice.Channel.TELEGRAM,
            chat_id=chat_pk,
            person_id=person_pk,
            language=language,
        )
        for chat_pk, person_pk, language in chats
        if chat_pk not in told_chats and person_pk not in told_people
    ] + [
        ReceptionNotice(
            reception=reception,
            version=state.version,
            kind=Kind.ANNOUNCE,
            channel=ReceptionNotice.Channel.SMS,
            person_id=person_pk,
            language=language,
        )
        for person_pk, language in sms
        if person_pk not in told_people
    ]
    # The unique constraints drop a notice a concurrent run made first.
    made += len(ReceptionNotice.objects.bulk_create(notices, ignore_conflicts=True))
    return made


def receptions_due(*, now: dt.datetime | None = None) -> list[int]:
    """Receptions that owe notices: due for the announcement, or told and changed since."""
    now = now or timezone.now()
    ahead = dt.timedelta(days=settings.PERVICHKA_RECEPTION_ANNOUNCE_DAYS)
    due = set(
        FieldReception.objects.filter(
            status=FieldReceptionStatus.PLANNED,
            is_public=True,
            starts_at__gt=now,
            starts_at__lte=now + ahead,
        ).values_list("pk", flat=True)
    )
    changed = (
        ReceptionAnnouncement.objects.filter(cancelled=False)
        .filter(
            Q(reception__status=FieldReceptionStatus.CANCELLED)
            | ~Q(reception__starts_at=F("starts_at"))
            | ~Q(reception__place=F("place"))
            | ~Q(reception__settlement_id=F("settlement_id"))
        )
        .values_list("reception_id", flat=True)
    )
    return sorted(due | set(changed))


# --- sending -------------------------------------------------------------------------------


def _claim_expires() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PERVICHKA_NOTIFICATION_CLAIM_SECONDS)


def notices_claimable(*, now: dt.datetime | None = None) -> Q:
    """Notices a worker may claim: waiting, failed (a few times at most), or claimed by a
    worker long gone."""
    now = now or timezone.now()
    return (
        Q(status=Status.PENDING)
        | Q(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Status.SENDING, claimed_at__lt=now - _claim_expires())
    )


def notice_text(notice: ReceptionNotice, reception: FieldReception) -> str:
    """The message in the recipient's language, from the reception as it is now."""
    with translation.override(notice.language):
        when = timezone.localtime(reception.starts_at)
        values = {
            "village": str(reception.settlement),
            "date": formats.date_format(when, "DATE_FORMAT"),
            "time": formats.time_format(when, "TIME_FORMAT"),
            "place": reception.place,
        }
        if notice.kind == Kind.CANCELLED:
            return _("The field reception in %(village)s on %(date)s is cancelled.") % values
        if notice.kind == Kind.MOVED:
            text = (
                _(
                    "The field reception in %(village)s has moved: "
                    "now %(date)s at %(time)s, %(place)s."
                )
                % values
            )
        else:
            text = _("Field reception in %(village)s: %(date)s at %(time)s, %(place)s.") % values
            hosts = reception.hosts_note or ", ".join(p.full_name for p in reception.hosts.all())
            if hosts:
                text += " " + _("Receiving: %(hosts)s.") % {"hosts": hosts}
            text += " " + _("Come with your questions.")
        if notice.channel == ReceptionNotice.Channel.TELEGRAM:
            text += "\n" + reception_public_url(reception)
        return text


def _may_tell(notice: ReceptionNotice, reception: FieldReception) -> str:
    """Why the notice must not go now ("" when it may): consent is asked at sending."""
    if notice.kind == Kind.ANNOUNCE and reception.status != FieldReceptionStatus.PLANNED:
        return "the reception is no longer planned"
    if notice.channel == ReceptionNotice.Channel.SMS:
        person = notice.person
        if not person.phone:
            return "no phone"
        if not Consent.objects.filter(
            person=person, purpose=ConsentPurpose.CONTACT_SMS, withdrawn_at__isnull=True
        ).exists():
            return "no SMS consent"
        return ""
    chat = notice.chat
    if chat.stopped_at is not None:
        return "the chat stopped the bot"
    subscribed = chat.subscribed_receptions and chat.settlement_id == reception.settlement_id
    consented = (
        chat.person_id is not None
        and Consent.objects.filter(
            person_id=chat.person_id,
            purpose=ConsentPurpose.CONTACT_TELEGRAM,
            withdrawn_at__isnull=True,
        ).exists()
    )
    return "" if subscribed or consented else "no Telegram consent or subscription"


def _finish(notice: ReceptionNotice, claimed_at: dt.datetime, **fields) -> None:
    # Only while the claim is still ours: after it expired another worker owns the row.
    ours = ReceptionNotice.objects.filter(
        pk=notice.pk, status=Status.SENDING, claimed_at=claimed_at
    )
    ours.update(**fields)


def notice_send(*, notice_id: int) -> ReceptionNotice:
    """Send one notice; safe to call twice and from two workers at once.

    A single UPDATE claims the row; the outside call runs with no transaction open; a
    second UPDATE records the result. Call it outside a transaction (from a task). A worker
    killed after Telegram accepted a message and before it was recorded sends it once more
    when the claim expires: Telegram has no idempotency key (docs/outreach.md)."""
    claimed_at = timezone.now()
    claimed = ReceptionNotice.objects.filter(
        notices_claimable(now=claimed_at), pk=notice_id
    ).update(status=Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1)
    notice = ReceptionNotice.objects.select_related("person", "chat", "reception").get(pk=notice_id)
    if not claimed:
        return notice
    reception = (
        FieldReception.objects.select_related("settlement")
        .prefetch_related("hosts")
        .get(pk=notice.reception_id)
    )
    reason = _may_tell(notice, reception)
    if reason:
        _finish(notice, claimed_at, status=Status.SKIPPED, error=reason)
    elif notice.channel == ReceptionNotice.Channel.SMS:
        with transaction.atomic():
            queued = notification_queue(
                channel="sms",
                to=notice.person.phone,
                body=notice_text(notice, reception),
                kind="reception_notice",
                ref=f"fieldreception:{reception.pk}",
                dedupe_key=f"reception_notice:{notice.pk}",
            )
            _finish(
                notice,
                claimed_at,
                status=Status.SENT,
                sent_at=timezone.now(),
                notification=queued,
                error="",
            )
    else:
        try:
            telegram.call(
                "sendMessage",
                {
                    "chat_id": notice.chat.chat_id,
                    "text": notice_text(notice, reception),
                    "disable_web_page_preview": True,
                },
            )
        except telegram.TelegramError as exc:
            # 403: the citizen blocked the bot; 400: the chat is gone. Neither comes back.
            final = exc.code in (400, 403)
            _finish(
                notice,
                claimed_at,
                status=Status.SKIPPED if final else Status.FAILED,
                error=str(exc)[:500],
            )
            if exc.retry_after:
                notice.refresh_from_db()
                raise
        else:
            ReceptionNotice.objects.filter(pk=notice.pk).update(
                status=Status.SENT, sent_at=timezone.now(), error=""
            )
    notice.refresh_from_db()
    return notice


def announcements_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the periodic task does: make the notices that are due, then send every notice
    that may be claimed. Telegram's "retry after" stops this run's Telegram sends; the next
    run takes them up."""
    now = now or timezone.now()
    made = sum(reception_announce(reception_id=pk, now=now) for pk in receptions_due(now=now))
    sent = failed = 0
    telegram_paused = False
    for notice_id, channel in (
        ReceptionNotice.objects.filter(notices_claimable())
        .order_by("pk")
        .values_list("pk", "channel")
    ):
        if channel == ReceptionNotice.Channel.TELEGRAM:
            if telegram_paused:
                continue
            if sent:
                time.sleep(TELEGRAM_PAUSE_SECONDS)
        try:
            notice = notice_send(notice_id=notice_id)
        except telegram.TelegramError:
            telegram_paused = True
            failed += 1
            continue
        if notice.status == Status.SENT:
            sent += 1
        elif notice.status == Status.FAILED:
            failed += 1
    return {"made": made, "sent": sent, "failed": failed}
