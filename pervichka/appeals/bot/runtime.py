"""aiogram's side of the bot: the router of handlers, the dispatcher with the database FSM
storage, and `process_update`, which the webhook view and the polling worker call with each
update Telegram sends. The handlers only parse the update and send the replies; what the
bot says and does is `conversation`'s, run in the caller's thread (`sync_to_async`)."""

from __future__ import annotations

import io
import time

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, Update
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import IntegrityError

from pervichka.appeals.bot import conversation
from pervichka.appeals.bot.conversation import Step
from pervichka.appeals.bot.storage import DatabaseStorage
from pervichka.appeals.models import BotUpdate
from pervichka.core import telegram

router = Router(name="citizens")


class AppealForm(StatesGroup):
    name = State()
    village = State()
    category = State()
    text = State()
    phone = State()
    consent = State()


async def _apply(bot: Bot, chat_id: int, state: FSMContext, step: Step) -> None:
    if step.data is not None:
        await state.set_data(step.data)
    if step.state is not None:
        await state.set_state(step.state or None)
    for reply in step.replies:
        await bot.send_message(chat_id, reply.text, reply_markup=reply.markup)


async def _chat(chat_id: int):
    return await sync_to_async(conversation.chat_get)(chat_id)


async def _run(message_or_query, state: FSMContext, fn, *args, with_data: bool = False) -> None:
    """Look up the chat, call `fn(chat, *args[, data])` in the caller's thread, apply the
    step. A chat the bot never saw (no /start) is told how to begin."""
    if isinstance(message_or_query, CallbackQuery):
        await message_or_query.answer()
        chat_id = message_or_query.message.chat.id
    else:
        chat_id = message_or_query.chat.id
    chat = await _chat(chat_id)
    if chat is None:
        step = conversation.unknown(None)
    else:
        extra = (await state.get_data(),) if with_data else ()
        step = await sync_to_async(fn)(chat, *args, *extra)
    await _apply(message_or_query.bot, chat_id, state, step)


@router.message(CommandStart())
async def on_start(message: Message, command: CommandObject, state: FSMContext) -> None:
    user = message.from_user
    step = await sync_to_async(conversation.start)(
        chat_id=message.chat.id,
        username=(user.username or "") if user else "",
        language_code=(user.language_code or "") if user else "",
        payload=command.args or "",
    )
    await _apply(message.bot, message.chat.id, state, step)


@router.message(Command("stop"))
async def on_stop(message: Message, state: FSMContext) -> None:
    chat = await _chat(message.chat.id)
    step = await sync_to_async(conversation.stop)(chat)
    await _apply(message.bot, message.chat.id, state, step)


@router.message(Command("help"))
async def on_help(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.help_)


@router.message(Command("language"))
async def on_language(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.language_menu)


@router.message(Command("appeal"))
async def on_appeal_command(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.appeal_begin)


@router.message(Command("subscribe"))
async def on_subscribe_command(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.subscriptions)


@router.callback_query(F.data == "appeal")
async def on_appeal(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.appeal_begin)


@router.callback_query(F.data == "lang")
async def on_language_menu(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.language_menu)


@router.callback_query(F.data.startswith("lang:"))
async def on_language_set(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.language_set, query.data.split(":", 1)[1])


@router.callback_query(F.data == "subs")
async def on_subscriptions(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.subscriptions)


@router.callback_query(F.data.startswith("sub:"))
async def on_subscription_toggle(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.subscription_toggle, query.data.split(":", 1)[1])


@router.callback_query(F.data.startswith("rate:"))
async def on_rate(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.rate, query.data)


@router.message(AppealForm.name, F.text)
async def on_name(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.appeal_name, message.text, with_data=True)


@router.message(AppealForm.village, F.text)
async def on_village_text(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.village_search, message.text, with_data=True)


@router.callback_query(AppealForm.village, F.data.startswith("village:"))
async def on_village(query: CallbackQuery, state: FSMContext) -> None:
    village = query.data.split(":", 1)[1]
    await _run(query, state, conversation.village_chosen, village, with_data=True)


@router.callback_query(AppealForm.category, F.data.startswith("cat:"))
async def on_category(query: CallbackQuery, state: FSMContext) -> None:
    code = query.data.split(":", 1)[1]
    await _run(query, state, conversation.appeal_category, code, with_data=True)


@router.message(AppealForm.text, F.photo)
async def on_photo(message: Message, state: FSMContext) -> None:
    largest = message.photo[-1]
    caption = message.caption or ""
    await _run(message, state, conversation.appeal_photo, largest.file_id, caption, with_data=True)


@router.message(AppealForm.text, F.location)
async def on_location(message: Message, state: FSMContext) -> None:
    where = message.location
    await _run(
        message,
        state,
        conversation.appeal_location,
        where.latitude,
        where.longitude,
        with_data=True,
    )


@router.message(AppealForm.text, F.text)
async def on_text(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.appeal_text, message.text, with_data=True)


@router.callback_query(AppealForm.text, F.data == "text_done")
async def on_text_done(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.appeal_text_done, with_data=True)


@router.message(AppealForm.phone, F.contact)
async def on_contact(message: Message, state: FSMContext) -> None:
    contact = message.contact
    # Only the citizen's own number, as the contact button shares it: a forwarded card of
    # somebody else's contact is not their phone.
    own = message.from_user is not None and contact.user_id == message.from_user.id
    phone = contact.phone_number if own else ""
    if phone and not phone.startswith("+"):
        phone = "+" + phone
    await _run(message, state, conversation.appeal_phone, phone, with_data=True)


@router.message(AppealForm.phone, F.text)
async def on_phone_skip(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.appeal_phone, "", with_data=True)


@router.callback_query(AppealForm.consent, F.data == "consent:no")
async def on_consent_no(query: CallbackQuery, state: FSMContext) -> None:
    await _run(query, state, conversation.appeal_cancel)


@router.callback_query(AppealForm.consent, F.data == "consent:yes")
async def on_consent_yes(query: CallbackQuery, state: FSMContext, event_update: Update) -> None:
    data = await state.get_data()
    photos = []
    for file_id in data.get("photos", [])[: conversation.MAX_PHOTOS]:
        photos.append(await _download(query.bot, file_id))
    await _run(
        query,
        state,
        _submit,
        event_update.update_id,
        data,
        [p for p in photos if p],
    )


def _submit(chat, update_id: int, data: dict, photos: list[bytes]) -> Step:
    return conversation.appeal_submit(chat, update_id=update_id, data=data, photos=photos)


async def _download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    if not file.file_path or (file.file_size or 0) > settings.PERVICHKA_ATTACHMENT_MAX_BYTES:
        return b""
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, destination=buffer)
    return buffer.getvalue()[: settings.PERVICHKA_ATTACHMENT_MAX_BYTES + 1]


@router.message()
async def on_anything(message: Message, state: FSMContext) -> None:
    await _run(message, state, conversation.unknown)


@router.callback_query()
async def on_stale_button(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()


dispatcher = Dispatcher(storage=DatabaseStorage())
dispatcher.include_router(router)


def make_bot() -> Bot:
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.PERVICHKA_TELEGRAM_API_BASE), timeout=20
    )
    return Bot(settings.PERVICHKA_TELEGRAM_BOT_TOKEN, session=session)


async def _feed(payload: dict) -> None:
    bot = make_bot()
    try:
        update = Update.model_validate(payload, context={"bot": bot})
        await dispatcher.feed_update(bot, update)
    finally:
        await bot.session.close()


def process_update(payload: dict) -> bool:
    """Handle one update from Telegram (webhook or polling). An update handled before
    (Telegram delivers it again when our answer was late) is skipped: returns False. A
    failure raises, leaving the update unrecorded so that Telegram's next delivery retries
    it; a retry makes no second appeal (the update is the appeal's idempotency key)."""
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or BotUpdate.objects.filter(update_id=update_id).exists():
        return False
    async_to_sync(_feed)(payload)
    try:
        BotUpdate.objects.create(update_id=update_id)
    except IntegrityError:
        return False
    return True


# Below core.telegram's own timeout of the HTTP call.
POLL_SECONDS = 8


def poll(*, once: bool = False) -> int:
    """The polling worker: long-poll getUpdates and handle each update; returns how many
    were handled (`once` stops after one round, for tests and cron)."""
    handled, offset = 0, None
    telegram.call("deleteWebhook", {"drop_pending_updates": False})
    while True:
        payload = {
            "timeout": 0 if once else POLL_SECONDS,
            "allowed_updates": ["message", "callback_query"],
        }
        if offset is not None:
            payload["offset"] = offset
        for update in telegram.call("getUpdates", payload) or []:
            offset = update["update_id"] + 1
            handled += int(process_update(update))
        if once:
            return handled
        time.sleep(0.2)
