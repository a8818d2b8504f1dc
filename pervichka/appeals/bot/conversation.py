"""What the bot says and does, as plain synchronous functions over the database (called
from aiogram's handlers through `sync_to_async`): each takes the chat and what the citizen
sent, writes through the services, and returns the replies in the chat's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from pervichka.appeals import selectors, services, throttle
from pervichka.core.idempotency import IdempotencyConflict
from pervichka.people import selectors as people_selectors
from pervichka.people import services as people_services
from pervichka.people.models import TelegramChat
from pervichka.people.services import PersonData

LANGUAGES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
MAX_PHOTOS = services.PUBLIC_MAX_FILES
MAX_TEXT = 4000
VILLAGE_CHOICES = 8


@dataclass
class Reply:
    text: str
    markup: dict | None = None  # a Bot API reply_markup


@dataclass
class Step:
    """The replies, and where the conversation goes: `state` None keeps it where it is, ""
    ends it; `data` replaces the draft when set."""

    replies: list[Reply] = field(default_factory=list)
    state: str | None = None
    data: dict | None = None


def language_of(language_code: str | None) -> str:
    code = (language_code or "").lower()[:2]
    if code in ("kk", "kz"):
        return "kk"
    return code if code in LANGUAGES else "ru"


def _buttons(rows: list[list[tuple[str, str]]]) -> dict:
    return {
        "inline_keyboard": [
            [{"text": text, "callback_data": data} for text, data in row] for row in rows
        ]
    }


def _menu() -> dict:
    return _buttons(
        [
            [(_("✍️ Write an appeal"), "appeal")],
            [(_("🔔 News and field receptions"), "subs")],
            [(_("🌐 Language"), "lang")],
        ]
    )


def _stopped() -> Step:
    return Step([Reply(_("You stopped the bot. Send /start to begin again."))], state="")


def _in(chat: TelegramChat, fn, *args) -> Step:
    with translation.override(chat.language or "ru"):
        if chat.stopped_at is not None:
            return _stopped()
        return fn(chat, *args)


def chat_get(chat_id: int) -> TelegramChat | None:
    return people_selectors.telegram_chat(chat_id)


def start(*, chat_id: int, username: str, language_code: str, payload: str) -> Step:
    primary = selectors.primary_by_start_code(payload) if payload else None
    chat = people_services.telegram_chat_start(
        chat_id=chat_id, username=username, language=language_of(language_code), unit=primary
    )
    with translation.override(chat.language):
        text = _(
            "Hello! This is the public reception of the party in Telegram. Here you can "
            "write an appeal, follow its answer and subscribe to the news of your village."
        )
        if chat.unit_id:
            text += "\n\n" + _("Primary organization: %(unit)s.") % {"unit": chat.unit}
        return Step([Reply(text, _menu())], state="", data={})


def help_(chat: TelegramChat) -> Step:
    return _in(chat, lambda c: Step([Reply(_("What would you like to do?"), _menu())]))


def stop(chat: TelegramChat | None) -> Step:
    if chat is None:
        return Step([], state="", data={})
    people_services.telegram_chat_stop(chat=chat)
    with translation.override(chat.language or "ru"):
        return Step(
            [
                Reply(
                    _(
                        "Done: you will get no more messages from us, and your consent to "
                        "messages in Telegram is withdrawn. Send /start to begin again."
                    )
                )
            ],
            state="",
            data={},
        )


# --- language ---------------------------------------------------------------------------


def language_menu(chat: TelegramChat) -> Step:
    def run(chat):
        rows = [[(name, f"lang:{code}")] for code, name in LANGUAGES.items()]
        return Step([Reply(_("Choose the language:"), _buttons(rows))])

    return _in(chat, run)


def language_set(chat: TelegramChat, code: str) -> Step:
    if code not in LANGUAGES or chat.stopped_at is not None:
        return _in(chat, lambda c: Step())
    chat = people_services.telegram_chat_update(chat=chat, language=code)
    return _in(chat, lambda c: Step([Reply(_("The language is changed."), _menu())]))


# --- subscriptions ----------------------------------------------------------------------


def _subscriptions(chat: TelegramChat) -> Step:
    def mark(on: bool) -> str:
        return "✅" if on else "⬜"

    text = _("Messages about %(village)s:") % {"village": chat.settlement}
    rows = [
        [(f"{mark(chat.subscribed_news)} " + _("News of the village"), "sub:news")],
        [
            (
                f"{mark(chat.subscribed_receptions)} " + _("Field receptions in the village"),
                "sub:receptions",
            )
        ],
        [(_("Another village"), "sub:village")],
    ]
    return Step([Reply(text, _buttons(rows))])


def subscriptions(chat: TelegramChat) -> Step:
    def run(chat):
        if chat.settlement_id is None:
            return _ask_village(chat, {"after": "subs"})
        return _subscriptions(chat)

    return _in(chat, run)


def subscription_toggle(chat: TelegramChat, what: str) -> Step:
    def run(chat):
        if what == "village" or chat.settlement_id is None:
            return _ask_village(chat, {"after": "subs"})
        field_name = {"news": "subscribed_news", "receptions": "subscribed_receptions"}.get(what)
        if field_name is None:
            return Step()
        chat = people_services.telegram_chat_update(
            chat=chat, **{field_name: not getattr(chat, field_name)}
        )
        return _subscriptions(chat)

    return _in(chat, run)


# --- the village ------------------------------------------------------------------------


def _ask_village(chat: TelegramChat, data: dict) -> Step:
    return Step(
        [Reply(_("Write the name of your village or town."))], state="AppealForm:village", data=data
    )


def village_search(chat: TelegramChat, text: str, data: dict) -> Step:
    def run(chat):
        words = (text or "").replace("\x00", "").strip()[:60]
        found = []
        if len(words) >= 2:
            found = list(
                selectors.settlements_public()
                .filter(name__icontains=words)
                .order_by("name")[: VILLAGE_CHOICES + 1]
            ) or list(
                selectors.settlements_public()
                .filter(name_kk__icontains=words)
                .order_by("name")[: VILLAGE_CHOICES + 1]
            )
        if not found:
            return Step([Reply(_("We found no such village. Write its name again."))])
        rows = [[(f"{s} ({s.district})", f"village:{s.pk}")] for s in found[:VILLAGE_CHOICES]]
        return Step([Reply(_("Choose your village:"), _buttons(rows))])

    return _in(chat, run)


def village_chosen(chat: TelegramChat, settlement_id: str, data: dict) -> Step:
    def run(chat):
        settlement = (
            selectors.settlements_public().filter(pk=settlement_id).first()
            if str(settlement_id).isdigit()
            else None
        )
        if settlement is None:
            return Step([Reply(_("We found no such village. Write its name again."))])
        chat = people_services.telegram_chat_update(chat=chat, settlement=settlement)
        if data.get("after") == "subs":
            step = _subscriptions(chat)
            step.state, step.data = "", {}
            return step
        return _ask_category(chat, {**data, "settlement_id": settlement.pk})

    return _in(chat, run)


# --- writing an appeal ------------------------------------------------------------------


def appeal_begin(chat: TelegramChat) -> Step:
    def run(chat):
        return Step(
            [
                Reply(
                    _(
                        "Write your surname and name (and patronymic, if you like), e.g. "
                        "Seitkali Arman."
                    )
                )
            ],
            state="AppealForm:name",
            data={},
        )

    return _in(chat, run)


def appeal_name(chat: TelegramChat, text: str, data: dict) -> Step:
    def run(chat):
        words = (text or "").replace("\x00", "").split()
        if not 2 <= len(words) <= 4 or any(len(w) > 100 for w in words):
            return Step([Reply(_("Write the surname and the name, two or three words."))])
        draft = {
            **data,
            "surname": words[0],
            "name": words[1],
            "patronymic": " ".join(words[2:]),
        }
        if chat.settlement_id:
            return _ask_category(chat, {**draft, "settlement_id": chat.settlement_id})
        return _ask_village(chat, draft)

    return _in(chat, run)


def _ask_category(chat: TelegramChat, data: dict) -> Step:
    settlement = selectors.settlements_public().filter(pk=data["settlement_id"]).first()
    if settlement is None:
        return _ask_village(chat, data)
    services.categories_ensure(district=settlement.district)
    categories = selectors.categories_for(settlement.district).order_by("order", "pk")
    rows = [[(c.display_name, f"cat:{c.code}")] for c in categories]
    return Step(
        [Reply(_("What is the appeal about?"), _buttons(rows))],
        state="AppealForm:category",
        data=data,
    )


def appeal_category(chat: TelegramChat, code: str, data: dict) -> Step:
    def run(chat):
        if "settlement_id" not in data:
            return appeal_begin(chat)
        return Step(
            [
                Reply(
                    _(
                        "Describe the problem in one or more messages. You may add up to "
                        "%(n)d photos and your location (📎). Press Done when you have "
                        "finished."
                    )
                    % {"n": MAX_PHOTOS},
                    _buttons([[(_("Done"), "text_done")]]),
                )
            ],
            state="AppealForm:text",
            data={**data, "category": code[:32]},
        )

    return _in(chat, run)


def appeal_text(chat: TelegramChat, text: str, data: dict) -> Step:
    def run(chat):
        clean = (text or "").replace("\x00", "").strip()
        if not clean:
            return Step()
        joined = "\n".join(filter(None, [data.get("text", ""), clean]))
        if len(joined) > MAX_TEXT:
            return Step(
                [Reply(_("The text is too long: at most %(n)d characters.") % {"n": MAX_TEXT})]
            )
        return Step(
            [Reply(_("Added. Write more or press Done."), _buttons([[(_("Done"), "text_done")]]))],
            data={**data, "text": joined},
        )

    return _in(chat, run)


def appeal_photo(chat: TelegramChat, file_id: str, caption: str, data: dict) -> Step:
    def run(chat):
        photos = list(data.get("photos", []))
        if len(photos) >= MAX_PHOTOS:
            return Step([Reply(_("Up to %(n)d photos.") % {"n": MAX_PHOTOS})])
        photos.append(file_id[:200])
        draft = {**data, "photos": photos}
        if caption:
            step = appeal_text(chat, caption, draft)
            if step.data is not None:
                draft = step.data
        return Step(
            [
                Reply(
                    _("Photo added. Write more or press Done."),
                    _buttons([[(_("Done"), "text_done")]]),
                )
            ],
            data=draft,
        )

    return _in(chat, run)


def appeal_location(chat: TelegramChat, latitude: float, longitude: float, data: dict) -> Step:
    def run(chat):
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return Step()
        return Step(
            [
                Reply(
                    _("Location added. Write more or press Done."),
                    _buttons([[(_("Done"), "text_done")]]),
                )
            ],
            data={**data, "location": [round(latitude, 6), round(longitude, 6)]},
        )

    return _in(chat, run)


def _phone_keyboard() -> dict:
    return {
        "keyboard": [
            [{"text": _("📞 Share my phone"), "request_contact": True}],
            [{"text": _("Skip")}],
        ],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }


def appeal_text_done(chat: TelegramChat, data: dict) -> Step:
    def run(chat):
        if not data.get("text", "").strip():
            return Step([Reply(_("Describe the problem first: write it as a message."))])
        return Step(
            [
                Reply(
                    _(
                        "Leave a phone number for the answer, if you like: press the button "
                        "below (Telegram shares your own number), or Skip."
                    ),
                    _phone_keyboard(),
                )
            ],
            state="AppealForm:phone",
        )

    return _in(chat, run)


def appeal_phone(chat: TelegramChat, phone: str, data: dict) -> Step:
    def run(chat):
        draft = {**data, "phone": (phone or "")[:20]}
        text = _(
            "We will register your appeal and keep your name, phone and text to answer it "
            "(the law on personal data). Do you agree?"
        )
        return Step(
            [
                Reply(_("Thank you."), {"remove_keyboard": True}),
                Reply(
                    text,
                    _buttons(
                        [[(_("✅ I agree, send"), "consent:yes")], [(_("Cancel"), "consent:no")]]
                    ),
                ),
            ],
            state="AppealForm:consent",
            data=draft,
        )

    return _in(chat, run)


def appeal_cancel(chat: TelegramChat) -> Step:
    return _in(
        chat, lambda c: Step([Reply(_("The appeal is not sent."), _menu())], state="", data={})
    )


def appeal_submit(chat: TelegramChat, *, update_id: int, data: dict, photos: list[bytes]) -> Step:
    """The citizen agreed: the appeal goes through every rule of a public appeal."""

    def run(chat):
        settlement = selectors.settlements_public().filter(pk=data.get("settlement_id")).first()
        if settlement is None or not data.get("text") or not data.get("surname"):
            return appeal_begin(chat)
        text = data["text"]
        if data.get("location"):
            lat, lon = data["location"]
            text += "\n\n" + _("Location: %(lat)s, %(lon)s") % {"lat": lat, "lon": lon}
        files = [
            SimpleUploadedFile(f"telegram-photo-{i}.jpg", content, content_type="image/jpeg")
            for i, content in enumerate(photos, start=1)
        ]
        appeal_data = services.PublicAppeal(
            settlement=settlement,
            category=data.get("category") or "other",
            text=text,
            person=PersonData(
                surname=data["surname"],
                name=data["name"],
                patronymic=data.get("patronymic", ""),
                phone=data.get("phone", ""),
            ),
            consent=True,
        )
        try:
            submission = services.appeal_submit_bot(
                chat_id=chat.chat_id,
                update_id=update_id,
                data=appeal_data,
                files=files,
                language=chat.language or "ru",
            )
        except throttle.Throttled as exc:
            return Step([Reply(exc.message)], state="", data={})
        except IdempotencyConflict:
            return Step([Reply(_("This appeal was sent already."))], state="", data={})
        except ValidationError as exc:
            return Step(
                [Reply(_("The appeal is not sent:") + " " + " ".join(exc.messages), _menu())],
                state="",
                data={},
            )
        appeal = submission.appeal
        people_services.telegram_chat_update(
            chat=chat, person=appeal.person, settlement=appeal.settlement
        )
        message = _(
            "Your appeal is registered as %(number)s, tracking code %(code)s. The answer is "
            "due by %(due)s. We will write to you here when its status changes."
        ) % {
            "number": appeal.number,
            "code": appeal.tracking_code_display,
            "due": appeal.due_date.strftime("%d.%m.%Y"),
        }
        return Step(
            [Reply(message + "\n" + services.tracking_url(appeal), _menu())], state="", data={}
        )

    return _in(chat, run)


def rate(chat: TelegramChat, payload: str) -> Step:
    def run(chat):
        _kind, appeal_id, value = ([*payload.split(":"), "", ""])[:3]
        appeal = None
        if appeal_id.isdigit():
            try:
                appeal = services.appeal_rate_from_bot(
                    chat_id=chat.chat_id, appeal_id=int(appeal_id), satisfaction=value
                )
            except ValidationError as exc:
                return Step([Reply(" ".join(exc.messages))])
        if appeal is None:
            return Step()
        return Step([Reply(_("Thank you for your rating."))])

    return _in(chat, run)


def unknown(chat: TelegramChat | None) -> Step:
    if chat is None:
        return Step([Reply(_("Send /start to begin."))])
    return _in(chat, lambda c: Step([Reply(_("What would you like to do?"), _menu())]))
