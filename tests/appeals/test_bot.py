"""The citizens' Telegram bot, driven as Telegram drives it: updates posted to the webhook
over HTTP (Django's test client), the bot's answers going to the fake Bot API on loopback
(tests/fakebotapi.py). What the citizen sees is what the fake received."""

import io

import pytest
from django.core.management import call_command

from pervichka.appeals import services
from pervichka.appeals.enums import Channel, Satisfaction
from pervichka.appeals.models import Appeal, BotAppeal
from pervichka.appeals.selectors import bot_start_code
from pervichka.core.models import Notification
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Consent, TelegramChat

SECRET = "webhook-s3cret"
CHAT = 5550001
URL = "/telegram/webhook/"


@pytest.fixture
def bot(bot_api, settings, client, tree, categories):
    settings.PERVICHKA_TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = "pervichka_test_bot"
    counter = {"update": 1000}

    def post(update: dict, *, secret: str = SECRET, repeat_of: int | None = None):
        if repeat_of is None:
            counter["update"] += 1
            update = {"update_id": counter["update"], **update}
        else:
            update = {"update_id": repeat_of, **update}
        response = client.post(
            URL,
            update,
            content_type="application/json",
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        )
        return response, update["update_id"]

    def user(chat_id, language="ru"):
        return {"id": chat_id, "is_bot": False, "first_name": "Арман", "language_code": language}

    def message(text="", chat_id=CHAT, language="ru", **extra):
        body = {
            "message_id": counter["update"],
            "date": 1,
            "chat": {"id": chat_id, "type": "private"},
            "from": user(chat_id, language),
            **extra,
        }
        if text:
            body["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"message": body}

    def press(data, chat_id=CHAT, language="ru"):
        return {
            "callback_query": {
                "id": f"cb{counter['update']}",
                "from": user(chat_id, language),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": 1,
                    "date": 1,
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "…",
                },
            }
        }

    class Driver:
        pass

    driver = Driver()
    driver.post, driver.message, driver.press, driver.api = post, message, press, bot_api

    def texts(chat_id=CHAT):
        return [b["text"] for b in bot_api.sent() if b.get("chat_id") == chat_id]

    driver.texts = texts
    return driver


def write_appeal(bot, tree, chat_id=CHAT, *, photo=True):
    """The whole conversation up to the consent question; returns the consent update."""
    bot.post(bot.message(f"/start {bot_start_code(tree.primary_a)}", chat_id=chat_id))
    bot.post(bot.press("appeal", chat_id=chat_id))
    bot.post(bot.message("Сейткали Арман", chat_id=chat_id))
    bot.post(bot.press("cat:utilities", chat_id=chat_id))
    bot.post(bot.message("Нет воды в селе третью неделю", chat_id=chat_id))
    if photo:
        bot.post(
            bot.message(
                chat_id=chat_id,
                photo=[{"file_id": "PHOTO1", "file_unique_id": "u1", "width": 90, "height": 90}],
                caption="Вот колонка",
            )
        )
    bot.post(bot.message(chat_id=chat_id, location={"latitude": 53.1234, "longitude": 69.4321}))
    bot.post(bot.press("text_done", chat_id=chat_id))
    bot.post(
        bot.message(
            chat_id=chat_id,
            contact={"phone_number": "77012345678", "first_name": "Арман", "user_id": chat_id},
        )
    )
    return bot.press("consent:yes", chat_id=chat_id)


def test_bot_appeal_end_to_end_once_for_a_repeated_update(bot, tree):
    consent = write_appeal(bot, tree)
    response, update_id = bot.post(consent)
    assert response.status_code == 200

    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.TELEGRAM
    assert appeal.settlement == tree.village
    assert appeal.category.code == "utilities"
    assert appeal.contact_phone == "+77012345678"
    assert appeal.text.startswith("Нет воды в селе третью неделю\nВот колонка")
    assert "53.1234, 69.4321" in appeal.text
    assert appeal.attachments.count() == 1
    assert (appeal.person.surname, appeal.person.name) == ("Сейткали", "Арман")
    assert Consent.objects.filter(person=appeal.person, purpose=ConsentPurpose.APPEALS).exists()
    assert BotAppeal.objects.get().chat_id == CHAT
    last = bot.texts()[-1]
    assert appeal.number in last
    assert appeal.tracking_code_display in last
    assert "/track/" in last
    chat = TelegramChat.objects.get(chat_id=CHAT)
    assert (chat.unit, chat.person, chat.language) == (tree.primary_a, appeal.person, "ru")

    # Telegram delivers the same update again (our answer was late): nothing new.
    sent_before = len(bot.api.sent())
    response, _id = bot.post(consent, repeat_of=update_id)
    assert response.status_code == 200
    assert Appeal.objects.count() == 1
    assert len(bot.api.sent()) == sent_before


def test_bot_start_greets_in_the_users_language_and_switches(bot, tree):
    bot.post(bot.message("/start", language="kk"))
    assert "Сәлеметсіз бе" in bot.texts()[-1]
    bot.post(bot.press("lang:en", language="kk"))
    assert bot.texts()[-1] == "The language is changed."
    assert TelegramChat.objects.get(chat_id=CHAT).language == "en"


def test_bot_consent_refused_makes_no_appeal(bot, tree):
    write_appeal(bot, tree, photo=False)
    bot.post(bot.press("consent:no"))
    assert Appeal.objects.count() == 0
    assert bot.texts()[-1] == "Обращение не отправлено."


def test_bot_rate_limit_per_chat(bot, tree, settings):
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 1
    bot.post(write_appeal(bot, tree, photo=False))
    bot.post(write_appeal(bot, tree, photo=False))
    assert Appeal.objects.count() == 1
    assert "Слишком много" in bot.texts()[-1] or "много" in bot.texts()[-1]
    # Another chat is another citizen: its own limit.
    bot.post(write_appeal(bot, tree, chat_id=CHAT + 1, photo=False))
    assert Appeal.objects.count() == 2


def test_bot_status_change_and_answer_reach_the_chat_and_rating(
    bot, tree, district_admin, chair_a, django_capture_on_commit_callbacks
):
    bot.post(write_appeal(bot, tree, photo=False))
    appeal = Appeal.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_assign(
            actor=district_admin, appeal=appeal, unit=tree.primary_a, user=chair_a
        )
        services.appeal_answer(
            actor=chair_a, appeal=appeal, text="Воду дали в пятницу.", outcome="solved"
        )
    sent = [b for b in bot.api.sent() if b.get("chat_id") == CHAT]
    assert sent[-2]["text"] == f"Ваше обращение {appeal.number} передано: ППО Талшик."
    answer = sent[-1]
    assert answer["text"].startswith(f"По вашему обращению {appeal.number} есть ответ:")
    assert "Воду дали в пятницу." in answer["text"]
    buttons = answer["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == [
        f"rate:{appeal.pk}:satisfied",
        f"rate:{appeal.pk}:partly",
        f"rate:{appeal.pk}:not_satisfied",
    ]
    assert Notification.objects.filter(channel="telegram", status="sent").count() == 2

    # Another chat pressing a forged button rates nothing.
    bot.post(bot.message("/start", chat_id=CHAT + 7))
    bot.post(bot.press(f"rate:{appeal.pk}:not_satisfied", chat_id=CHAT + 7))
    appeal.refresh_from_db()
    assert appeal.satisfaction == ""
    bot.post(bot.press(f"rate:{appeal.pk}:satisfied"))
    appeal.refresh_from_db()
    assert appeal.satisfaction == Satisfaction.SATISFIED
    assert bot.texts()[-1] == "Спасибо за оценку."


def test_bot_stop_records_the_opt_out_and_silences_status_changes(
    bot, tree, district_admin, django_capture_on_commit_callbacks
):
    bot.post(write_appeal(bot, tree, photo=False))
    bot.post(bot.press("subs"))
    bot.post(bot.press("sub:news"))
    chat = TelegramChat.objects.get(chat_id=CHAT)
    assert chat.subscribed_news is True
    person = chat.person
    assert Consent.objects.filter(
        person=person, purpose=ConsentPurpose.CONTACT_TELEGRAM, withdrawn_at__isnull=True
    ).exists()

    bot.post(bot.message("/stop"))
    chat.refresh_from_db()
    assert chat.stopped_at is not None
    assert (chat.subscribed_news, chat.subscribed_receptions) == (False, False)
    consent = Consent.objects.get(person=person, purpose=ConsentPurpose.CONTACT_TELEGRAM)
    assert consent.withdrawn_at is not None
    assert "Отправьте /start" in bot.texts()[-1]

    sent_before = len(bot.api.sent())
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_assign(
            actor=district_admin, appeal=Appeal.objects.get(), unit=tree.primary_a
        )
    assert len(bot.api.sent()) == sent_before
    assert not Notification.objects.filter(channel="telegram").exists()

    # Writing again after /stop only tells how to come back.
    bot.post(bot.press("appeal"))
    assert bot.texts()[-1] == "Вы остановили бота. Отправьте /start, чтобы начать заново."


def test_bot_subscribes_to_receptions_of_a_chosen_village(bot, tree):
    bot.post(bot.message("/start"))
    bot.post(bot.press("subs"))
    bot.post(bot.message("Талш"))
    assert bot.api.sent()[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
        f"village:{tree.village.pk}"
    )
    bot.post(bot.press(f"village:{tree.village.pk}"))
    bot.post(bot.press("sub:receptions"))
    chat = TelegramChat.objects.get(chat_id=CHAT)
    assert (chat.settlement, chat.subscribed_receptions, chat.unit) == (tree.village, True, None)


def test_bot_webhook_refuses_a_wrong_secret(bot, tree):
    response, _id = bot.post(bot.message("/start"), secret="wrong")
    assert response.status_code == 403
    response, _id = bot.post(bot.message("/start"), secret="")
    assert response.status_code == 403
    assert not TelegramChat.objects.exists()
    assert bot.api.sent() == []


def test_bot_webhook_off_without_a_token_or_secret(client, settings, db):
    settings.PERVICHKA_TELEGRAM_BOT_TOKEN = ""
    settings.PERVICHKA_TELEGRAM_WEBHOOK_SECRET = "x"
    response = client.post(
        URL,
        {"update_id": 1},
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "x"},
    )
    assert response.status_code == 404
    assert client.get(URL).status_code in (404, 405)


def test_bot_hostile_input_is_kept_as_text(bot, tree):
    bot.post(bot.message(f"/start {bot_start_code(tree.primary_a)}"))
    bot.post(bot.press("appeal"))
    bot.post(bot.message("Сейткали Арман"))
    bot.post(bot.press("cat:roads"))
    sent_before = len(bot.api.sent())
    # A NUL byte is refused before any view (core.errors.InputSanityMiddleware): nothing
    # is said or stored, and the conversation goes on with the next message.
    response, _id = bot.post(bot.message("Текст\x00 с NUL"))
    assert response.status_code == 400
    assert len(bot.api.sent()) == sent_before
    bot.post(bot.message("Текст <b>и</b> =1+1"))
    assert bot.texts()[-1] == "Добавлено. Допишите или нажмите «Готово»."
    bot.post(bot.press("text_done"))
    bot.post(bot.message("Пропустить"))
    bot.post(bot.press("consent:yes"))
    assert Appeal.objects.count() == 1, bot.texts()
    appeal = Appeal.objects.get()
    assert "\x00" not in appeal.text
    assert "<b>и</b> =1+1" in appeal.text  # kept as text; pages escape it, exports quote it


def test_bot_polling_worker_handles_each_update_once(bot, tree):
    start = {"update_id": 77, **bot.message(f"/start {bot_start_code(tree.primary_b)}")}
    bot.api.handlers["getUpdates"] = lambda body: {"ok": True, "result": [start]}
    out = io.StringIO()
    call_command("telegram_bot", "--once", stdout=out)
    call_command("telegram_bot", "--once", stdout=out)  # Telegram gives it again: skipped
    assert out.getvalue().splitlines() == ["1 updates handled", "0 updates handled"]
    assert TelegramChat.objects.get(chat_id=CHAT).unit == tree.primary_b
    assert len(bot.texts()) == 1
    assert bot.api.sent("deleteWebhook")
