"""A fake Telegram Bot API server on loopback (real HTTP), shared by the tests of media's
channel posts, the citizens' bot and outreach's mailings. It records every request and
answers like the Bot API: `sendMessage`/`sendPhoto` give a message, `getFile`, `getMe`,
`setWebhook`, `answerCallbackQuery` answer ok; `failures` first answers are 429s with
`retry_after`; `handlers[method]` can override an answer."""

from __future__ import annotations

import json
import threading
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200 + b"\xff\xd9"


def _value(key: str, value: str):
    # aiogram sends form fields: objects as JSON text, ids as digits.
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in ("chat_id", "message_id", "reply_to_message_id") and value.lstrip("-").isdigit():
        return int(value)
    return value


def parse_body(content_type: str, raw: bytes) -> dict:
    """A request's fields: JSON (core.telegram), a form or multipart (aiogram)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: _value(k, v) for k, v in parse_qsl(raw.decode(), keep_blank_values=True)}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=default).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        body = {}
        for part in message.iter_parts():
            key = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            body[key] = _value(key, payload.decode("utf-8", "replace"))
        return body
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"_raw": raw.decode("latin-1")}


class FakeBotApi:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.failures = 0
        self.handlers: dict = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = parse_body(self.headers.get("Content-Type") or "", raw)
                method = self.path.rsplit("/", 1)[-1]
                with fake.lock:
                    fake.requests.append((self.path, body))
                    count = len(fake.requests)
                    failing = fake.failures > 0
                    if failing:
                        fake.failures -= 1
                if failing:
                    answer = {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    }
                    code = 429
                elif method in fake.handlers:
                    answer, code = fake.handlers[method](body), 200
                else:
                    answer, code = {"ok": True, "result": fake.result(method, body, count)}, 200
                data = json.dumps(answer).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                # A file's download (getFile's file_path): a tiny JPEG, as photos are.
                with fake.lock:
                    fake.requests.append((self.path, {}))
                data = FAKE_JPEG
                self.send_response(200 if "/file/bot" in self.path else 404)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def result(method: str, body: dict, count: int):
        if method in ("sendMessage", "sendPhoto"):
            chat = body.get("chat_id")
            chat_info = {"id": chat if isinstance(chat, int) else -100123, "type": "private"}
            if isinstance(chat, str):
                chat_info["username"] = chat.lstrip("@")
                chat_info["type"] = "channel"
            return {"message_id": 40 + count, "chat": chat_info, "date": 0}
        if method == "getMe":
            return {"id": 1, "is_bot": True, "username": "pervichka_test_bot"}
        if method == "getFile":
            return {
                "file_id": body.get("file_id"),
                "file_unique_id": f"u-{body.get('file_id')}",
                "file_size": len(FAKE_JPEG),
                "file_path": "photos/file.jpg",
            }
        return True

    def sent(self, method: str = "sendMessage") -> list[dict]:
        with self.lock:
            return [body for path, body in self.requests if path.endswith("/" + method)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bot_api(settings):
    fake = FakeBotApi()
    settings.PERVICHKA_TELEGRAM_API_BASE = fake.url
    settings.PERVICHKA_TELEGRAM_BOT_TOKEN = "123:test-token"
    yield fake
    fake.close()
