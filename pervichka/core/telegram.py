"""The Telegram Bot API client every app uses (media's channel posts, the citizens' bot,
outreach's mailings): real HTTP to `PERVICHKA_TELEGRAM_API_BASE` (tests point it at a fake
server on loopback, `tests/fakebotapi.py`) with the bot's token from the environment
(`PERVICHKA_TELEGRAM_BOT_TOKEN`). Callers hold no lock or transaction across a call."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

TIMEOUT_SECONDS = 10


class TelegramError(Exception):
    """The call failed; `retry_after` is set when Telegram asked to wait (HTTP 429)."""

    def __init__(self, message: str, *, retry_after: int | None = None, code: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.code = code


def configured() -> bool:
    return bool(settings.PERVICHKA_TELEGRAM_BOT_TOKEN)


def call(method: str, payload: dict) -> dict:
    """Call a Bot API method with a JSON body and return its `result`."""
    token = settings.PERVICHKA_TELEGRAM_BOT_TOKEN
    if not token:
        raise TelegramError("PERVICHKA_TELEGRAM_BOT_TOKEN is not set")
    url = f"{settings.PERVICHKA_TELEGRAM_API_BASE.rstrip('/')}/bot{token}/{method}"
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    code = None
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        code = exc.code
        try:
            body = json.loads(exc.read(100_000))
        except ValueError:
            raise TelegramError(f"HTTP {exc.code}", code=exc.code) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise TelegramError(str(exc)) from exc
    if not body.get("ok"):
        retry_after = (body.get("parameters") or {}).get("retry_after")
        raise TelegramError(
            str(body.get("description") or body)[:500],
            retry_after=int(retry_after) if retry_after else None,
            code=code or body.get("error_code"),
        )
    return body["result"]
