"""Mailings: the preview counts who will actually get it, approval above the district's
size, sending through the fake Bot API (and the SMS outbox) in the person's language,
consent checked at the moment of sending, pause/resume/cancel, retries, the delivery log,
the two opt-outs (one list, everything on SMS through STOP) and scope."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pervichka.appeals import services as appeals
from pervichka.core.notify import LocmemSMSBackend
from pervichka.outreach import mailings, sending
from pervichka.outreach.enums import DeliveryStatus, MailingStatus
from pervichka.outreach.models import Delivery, ListOptOut, Mailing, Segment
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Consent, TelegramChat
from pervichka.people.services import PersonData, consent_give_by_subject, consent_stop_by_subject
from tests.factories import PersonFactory

_chat_ids = itertools.count(9_000_001)
_phones = itertools.count(1_000_001)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def resident(unit, *, sms=True, telegram=True, language="ru", phone=True, surname="Житель"):
    """A resident of `unit` with a phone and a Telegram chat, agreeing to both channels."""
    person = PersonFactory(
        unit=unit, surname=surname, phone=f"+7701{next(_phones):07d}"[:12] if phone else ""
    )
    if sms:
        consent_give_by_subject(person=person, purpose=ConsentPurpose.CONTACT_SMS, channel="sms")
    if telegram:
        consent_give_by_subject(
            person=person, purpose=ConsentPurpose.CONTACT_TELEGRAM, channel="telegram"
        )
    TelegramChat.objects.create(
        chat_id=next(_chat_ids), person=person, unit=unit, language=language
    )
    return person


def list_of(unit, people, name="Список") -> Segment:
    segment = Segment.objects.create(unit=unit, name=name, kind="static")
    for p in people:
        segment.entries.create(person=p)
    return segment


def draft(actor, unit, segment, channel="telegram", **extra) -> Mailing:
    return mailings.mailing_save(
        actor=actor,
        mailing=Mailing(
            unit=unit,
            segment=segment,
            channel=channel,
            title="Встреча в клубе",
            text_ru="Приглашаем на встречу",
            text_kk=extra.pop("text_kk", "Кездесуге шақырамыз"),
            **extra,
        ),
    )


def chats_sent(bot_api) -> list[int]:
    return [body["chat_id"] for body in bot_api.sent()]


def test_preview_counts_who_will_actually_get_it(tree, chair_a):
    ok = resident(tree.primary_a, surname="Алиев")
    no_consent = resident(tree.primary_a, telegram=False)
    opted = resident(tree.primary_a)
    no_chat = resident(tree.primary_a)
    TelegramChat.objects.filter(person=no_chat).update(stopped_at=timezone.now())
    segment = list_of(tree.primary_a, [ok, no_consent, opted, no_chat])
    mailings.list_optout_record(actor=chair_a, person=opted, segment=segment)

    preview = mailings.mailing_preview(chair_a, segment=segment, channel="telegram")
    assert (preview.total, preview.will_get) == (4, 1)
    assert (preview.no_consent, preview.opted_out, preview.no_address) == (1, 1, 1)
    assert preview.sample == [ok]
    # On SMS the same people: the one without a Telegram consent agreed to SMS.
    sms = mailings.mailing_preview(chair_a, segment=segment, channel="sms")
    assert (sms.will_get, sms.no_consent, sms.opted_out) == (3, 0, 1)


def test_small_mailing_goes_out_in_each_persons_language(
    tree, chair_a, bot_api, django_capture_on_commit_callbacks
):
    ru = resident(tree.primary_a, language="ru")
    kk = resident(tree.primary_a, language="kk")
    silent = resident(tree.primary_a, telegram=False)
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, [ru, kk, silent]))
    with django_capture_on_commit_callbacks(execute=True):
        mailing = mailings.mailing_submit(actor=chair_a, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE
    assert mailing.recipients_expected == 2
    texts = {body["chat_id"]: body["text"] for body in bot_api.sent()}
    ru_chat = TelegramChat.objects.get(person=ru).chat_id
    kk_chat = TelegramChat.objects.get(person=kk).chat_id
    assert texts == {ru_chat: "Приглашаем на встречу", kk_chat: "Кездесуге шақырамыз"}
    log = mailings.delivery_log(mailing)
    assert log.counts["sent"] == 2
    assert log.counts["no_consent"] == 1
    assert log.total == 3


def test_kazakh_falls_back_to_russian_and_sms_goes_to_the_phone(
    tree, chair_a, django_capture_on_commit_callbacks
):
    LocmemSMSBackend.outbox.clear()
    kk = resident(tree.primary_a, language="kk")
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, [kk]), "sms", text_kk="")
    with django_capture_on_commit_callbacks(execute=True):
        mailings.mailing_submit(actor=chair_a, mailing=mailing)
    assert LocmemSMSBackend.outbox == [(kk.phone, "Приглашаем на встречу")]


def test_above_the_districts_size_the_district_approves(
    tree, chair_a, district_admin, login, bot_api, django_capture_on_commit_callbacks
):
    mailings.policy_set(actor=district_admin, district=tree.district, approval_above=1)
    people = [resident(tree.primary_a) for _ in range(2)]
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, people))
    mailing = mailings.mailing_submit(actor=chair_a, mailing=mailing)
    assert mailing.status == MailingStatus.AWAITING
    assert bot_api.sent() == []
    # The chair cannot approve their own mailing: the button's POST is a 404.
    url = reverse("outreach:mailing", args=[mailing.pk])
    assert login(chair_a).post(url, {"action": "approve"}).status_code == 404
    assert Mailing.objects.get(pk=mailing.pk).status == MailingStatus.AWAITING
    with django_capture_on_commit_callbacks(execute=True):
        response = login(district_admin).post(url, {"action": "approve"})
    assert response.status_code == 302
    mailing.refresh_from_db()
    assert (mailing.status, mailing.approved_by) == (MailingStatus.DONE, district_admin)
    assert sorted(chats_sent(bot_api)) == sorted(
        TelegramChat.objects.filter(person__in=people).values_list("chat_id", flat=True)
    )


def test_consent_is_checked_at_the_moment_of_sending(tree, chair_a, bot_api):
    keeps, withdraws, opts_out = (resident(tree.primary_a) for _ in range(3))
    segment = list_of(tree.primary_a, [keeps, withdraws, opts_out])
    mailing = draft(
        chair_a, tree.primary_a, segment, scheduled_for=timezone.now() + dt.timedelta(hours=1)
    )
    mailings.mailing_submit(actor=chair_a, mailing=mailing)
    assert sending.mailings_start_due() == []  # not yet its time
    assert sending.mailings_start_due(now=timezone.now() + dt.timedelta(hours=2)) == [mailing.pk]
    # After the deliveries were written: one withdraws the consent, one leaves the list.
    consent_stop_by_subject(
        person=withdraws, purpose=ConsentPurpose.CONTACT_TELEGRAM, channel="telegram", reason="x"
    )
    ListOptOut.objects.create(person=opts_out, segment=segment)
    assert sending.mailing_send(mailing_id=mailing.pk) == MailingStatus.DONE
    statuses = dict(Delivery.objects.filter(mailing=mailing).values_list("person", "status"))
    assert statuses == {
        keeps.pk: DeliveryStatus.SENT,
        withdraws.pk: DeliveryStatus.NO_CONSENT,
        opts_out.pk: DeliveryStatus.OPTED_OUT,
    }
    assert chats_sent(bot_api) == [TelegramChat.objects.get(person=keeps).chat_id]


def test_pause_resume_and_cancel(tree, chair_a, bot_api):
    people = [resident(tree.primary_a) for _ in range(4)]
    mailing = draft(
        chair_a,
        tree.primary_a,
        list_of(tree.primary_a, people),
        scheduled_for=timezone.now() + dt.timedelta(minutes=1),
    )
    mailings.mailing_submit(actor=chair_a, mailing=mailing)
    sending.mailing_start(mailing_id=mailing.pk, now=timezone.now() + dt.timedelta(minutes=2))
    first = Delivery.objects.filter(mailing=mailing).order_by("pk").first()
    sending.delivery_send(mailing=Mailing.objects.get(pk=mailing.pk), delivery=first)
    mailings.mailing_pause(actor=chair_a, mailing=mailing)
    assert sending.mailing_send(mailing_id=mailing.pk) == MailingStatus.PAUSED
    assert len(bot_api.sent()) == 1
    mailings.mailing_resume(actor=chair_a, mailing=mailing)
    assert sending.mailing_send(mailing_id=mailing.pk) == MailingStatus.DONE
    assert len(bot_api.sent()) == 4 == len(set(chats_sent(bot_api)))

    other = draft(chair_a, tree.primary_a, list_of(tree.primary_a, people[:2]), scheduled_for=None)
    other.scheduled_for = timezone.now() + dt.timedelta(days=1)
    other.save()
    mailings.mailing_submit(actor=chair_a, mailing=other)
    mailings.mailing_cancel(actor=chair_a, mailing=other)
    assert sending.mailings_start_due(now=timezone.now() + dt.timedelta(days=2)) == []
    assert len(bot_api.sent()) == 4


def test_failures_are_retried_with_telegrams_pause(tree, chair_a, bot_api):
    person = resident(tree.primary_a)
    mailing = draft(
        chair_a,
        tree.primary_a,
        list_of(tree.primary_a, [person]),
        scheduled_for=timezone.now() + dt.timedelta(minutes=1),
    )
    mailings.mailing_submit(actor=chair_a, mailing=mailing)
    sending.mailing_start(mailing_id=mailing.pk, now=timezone.now() + dt.timedelta(minutes=2))
    bot_api.failures = 1  # a 429 with retry_after 1
    assert sending.mailing_send(mailing_id=mailing.pk, wait_for_retries=False) == "sending"
    delivery = Delivery.objects.get(mailing=mailing)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "Too Many Requests" in delivery.error
    assert sending.mailing_send(mailing_id=mailing.pk) == MailingStatus.DONE
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(bot_api.sent()) == 2  # the refused one and the one that went


def test_a_second_worker_finds_nothing_to_claim(tree, chair_a, bot_api):
    person = resident(tree.primary_a)
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, [person]))
    mailing.status = MailingStatus.SCHEDULED
    mailing.save()
    assert sending.mailing_start(mailing_id=mailing.pk)
    assert not sending.mailing_start(mailing_id=mailing.pk)  # started once
    delivery = Delivery.objects.get(mailing=mailing)
    assert sending.delivery_send(mailing=mailing, delivery=delivery) == DeliveryStatus.SENT
    assert sending.delivery_send(mailing=mailing, delivery=delivery) == DeliveryStatus.SENT
    assert len(bot_api.sent()) == 1


def test_test_send_goes_to_the_composer_only(tree, chair_a, bot_api):
    me = resident(tree.primary_a)
    chair_a.person = me
    chair_a.save()
    other = resident(tree.primary_a)
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, [other]))
    assert mailings.mailing_test_send(actor=chair_a, mailing=mailing) == 2
    mine = TelegramChat.objects.get(person=me).chat_id
    assert chats_sent(bot_api) == [mine, mine]
    assert not Delivery.objects.exists()


def test_hostile_texts_and_dates_are_refused(tree, chair_a):
    segment = list_of(tree.primary_a, [resident(tree.primary_a)])
    with pytest.raises(Exception, match="NUL"):
        draft(chair_a, tree.primary_a, segment, text_kk="a\x00b")
    with pytest.raises(Exception, match="coming year"):
        draft(
            chair_a,
            tree.primary_a,
            segment,
            scheduled_for=dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
        )
    b_segment = list_of(tree.primary_b, [])
    with pytest.raises(Exception, match="segment or list of this unit"):
        draft(chair_a, tree.primary_a, b_segment)


# --- STOP and the opt-outs ----------------------------------------------------------------


@pytest.fixture
def inbound(settings, client):
    settings.PERVICHKA_SMS_INBOUND_SECRET = "s3cret"
    url = reverse("outreach:sms_inbound")

    def post(phone, text, secret="s3cret", **kwargs):
        return client.post(
            url,
            {"phone": phone, "text": text},
            content_type="application/json",
            headers={"X-Pervichka-Secret": secret},
            **kwargs,
        )

    return post


def test_sms_stop_opts_out_of_everything_on_sms(
    tree, chair_a, inbound, django_capture_on_commit_callbacks
):
    LocmemSMSBackend.outbox.clear()
    first = resident(tree.primary_a)
    same_phone = resident(tree.primary_b, telegram=False, phone=False)
    same_phone.phone = first.phone
    same_phone.save()
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, [first]), "sms")
    with django_capture_on_commit_callbacks(execute=True):
        mailings.mailing_submit(actor=chair_a, mailing=mailing)
    national = "8" + first.phone[2:]  # people reply from 8 701 ...

    assert inbound(national, "hello").json() == {"ok": True, "stopped": 0}
    response = inbound(national, "  СТОП ")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "stopped": 2}
    for person in (first, same_phone):
        assert not Consent.objects.filter(
            person=person, purpose=ConsentPurpose.CONTACT_SMS, withdrawn_at__isnull=True
        ).exists()
    # Telegram is another channel: still agreed.
    assert Consent.objects.filter(
        person=first, purpose=ConsentPurpose.CONTACT_TELEGRAM, withdrawn_at__isnull=True
    ).exists()
    assert mailings.delivery_log(mailing).opted_out_after == 1
    rows = Consent.objects.count()
    assert inbound(first.phone, "stop").json() == {"ok": True, "stopped": 0}  # idempotent
    assert inbound(first.phone, "Тоқтату").json()["stopped"] == 0
    assert Consent.objects.count() == rows
    preview = mailings.mailing_preview(chair_a, segment=mailing.segment, channel="sms")
    assert (preview.will_get, preview.no_consent) == (0, 1)


def test_sms_inbound_refuses_a_wrong_secret_and_floods(tree, inbound, settings):
    person = resident(tree.primary_a)
    assert inbound(person.phone, "STOP", secret="wrong").status_code == 404
    assert inbound(person.phone, "STOP", secret="").status_code == 404
    assert Consent.objects.filter(person=person, withdrawn_at__isnull=True).count() == 2
    assert inbound("=cmd|' /C calc'!A0", "STOP").json() == {"ok": True, "stopped": 0}
    assert inbound(person.phone, "STOP\x00").status_code == 400  # refused before any view
    settings.PERVICHKA_SMS_INBOUND_PER_MINUTE = 0
    assert inbound(person.phone, "STOP").status_code == 429
    settings.PERVICHKA_SMS_INBOUND_SECRET = ""
    assert inbound(person.phone, "STOP").status_code == 404


def test_list_optout_is_one_list_only(tree, chair_a, login):
    person = resident(tree.primary_a)
    news = list_of(tree.primary_a, [person], "Новости")
    invitations = list_of(tree.primary_a, [person], "Приглашения")
    url = reverse("outreach:person_categories", args=[person.pk])
    response = login(chair_a).post(url, {"action": "optout", "o-segment": news.pk})
    assert response.status_code == 302
    assert mailings.mailing_preview(chair_a, segment=news, channel="sms").will_get == 0
    assert mailings.mailing_preview(chair_a, segment=invitations, channel="sms").will_get == 1
    page = login(chair_a).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Новости" in page
    assert "agreed" in page
    segment_page = login(chair_a).get(
        reverse("outreach:segment", args=[news.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "opted out of the list: 1" in segment_page.content.decode()


# --- pages and scope ------------------------------------------------------------------------


def test_mailing_pages_from_compose_to_log(
    tree, chair_a, login, bot_api, django_capture_on_commit_callbacks
):
    person = resident(tree.primary_a, surname="Сапаров")
    segment = list_of(tree.primary_a, [person])
    client = login(chair_a)
    response = client.post(
        reverse("outreach:mailing_new"),
        {
            "unit": tree.primary_a.pk,
            "title": "Субботник",
            "segment": segment.pk,
            "channel": "telegram",
            "text_ru": "Приходите на субботник",
            "text_kk": "",
        },
    )
    mailing = Mailing.objects.get(title="Субботник")
    assert response.status_code == 302
    page = client.get(reverse("outreach:mailing", args=[mailing.pk])).content.decode()
    assert "Сапаров" in page
    assert 'id="mailing-count">1<' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach:mailing", args=[mailing.pk]), {"action": "submit"})
    log = client.get(reverse("outreach:mailing_log", args=[mailing.pk])).content.decode()
    assert "Сапаров" in log
    assert 'data-status="sent"' in log
    assert "Субботник" in client.get(reverse("outreach:mailings")).content.decode()


def test_mailing_pages_are_404_outside_scope(tree, chair_a, chair_b, other_admin, login, bot_api):
    person = resident(tree.primary_a, surname="Ахметова")
    mailing = draft(chair_a, tree.primary_a, list_of(tree.primary_a, [person]))
    for user in (chair_b, other_admin):
        client = login(user)
        for name in ("outreach:mailing", "outreach:mailing_log"):
            assert client.get(reverse(name, args=[mailing.pk])).status_code == 404
        for action in ("submit", "approve", "cancel", "test"):
            response = client.post(
                reverse("outreach:mailing", args=[mailing.pk]), {"action": action}
            )
            assert response.status_code == 404
        assert "Ахметова" not in client.get(reverse("outreach:mailings")).content.decode()
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT
    assert bot_api.sent() == []
    # Primary B's chair cannot record an opt-out for A's person, nor for A's list.
    url = reverse("outreach:person_categories", args=[person.pk])
    assert (
        login(chair_b).post(url, {"action": "optout", "o-segment": mailing.segment_id}).status_code
        == 404
    )
    assert not ListOptOut.objects.exists()


def test_each_person_gets_the_language_they_told_us(
    tree, district_admin, categories, django_capture_on_commit_callbacks
):
    """Issue 17 point 3: the language of the person's Telegram chat; without a chat, the
    language they chose for their latest appeal; told nothing, the site's own (Russian)."""
    LocmemSMSBackend.outbox.clear()

    def citizen(n: int, language: str):
        appeal = appeals.appeal_register(
            actor=district_admin,
            district=tree.district,
            confirm_duplicate=True,
            data=PersonData(
                surname="Житель", name=f"Н{n}", phone=f"+7701555000{n}", consent_method="verbal"
            ),
            intake=appeals.Intake(
                channel="phone",
                category=categories["roads"],
                text=f"Просьба номер {n} о ремонте дороги",
                settlement=tree.village,
                language=language,
            ),
        )
        consent_give_by_subject(
            person=appeal.person, purpose=ConsentPurpose.CONTACT_SMS, channel="sms"
        )
        return appeal.person

    wrote_in_kazakh = citizen(1, "kk")
    wrote_in_russian = citizen(2, "ru")
    # Wrote in Russian once, but set Kazakh in the bot since: the chat says it.
    chat_in_kazakh = citizen(3, "ru")
    TelegramChat.objects.create(
        chat_id=next(_chat_ids), person=chat_in_kazakh, unit=tree.primary_a, language="kk"
    )
    silent = PersonFactory(unit=tree.district, phone="+77015550009")
    consent_give_by_subject(person=silent, purpose=ConsentPurpose.CONTACT_SMS, channel="sms")
    people = [wrote_in_kazakh, wrote_in_russian, chat_in_kazakh, silent]
    mailing = draft(district_admin, tree.district, list_of(tree.district, people), "sms")
    with django_capture_on_commit_callbacks(execute=True):
        mailings.mailing_submit(actor=district_admin, mailing=mailing)
    assert dict(Delivery.objects.filter(mailing=mailing).values_list("person_id", "language")) == {
        wrote_in_kazakh.pk: "kk",
        wrote_in_russian.pk: "ru",
        chat_in_kazakh.pk: "kk",
        silent.pk: "ru",
    }
    assert sorted(LocmemSMSBackend.outbox) == sorted(
        [
            (wrote_in_kazakh.phone, "Кездесуге шақырамыз"),
            (wrote_in_russian.phone, "Приглашаем на встречу"),
            (chat_in_kazakh.phone, "Кездесуге шақырамыз"),
            (silent.phone, "Приглашаем на встречу"),
        ]
    )
