"""A fake Telegram Bot API server on loopback (real HTTP), shared by the tests of media's
channel posts, the citizens' bot and outreach's mailings. It records every request and
answers like the Bot API: `sendMessage`/`sendPhoto` give a message, `getFile`, `getMe`,
`setWebhook`, `answerCallbackQuery` answer ok; `failures` first answers are 429s with
`retry_after`; `handlers[method]` can override an answer."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


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
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("latin-1")}
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

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def result(method: str, body: dict, count: int):
        if method in ("sendMessage", "sendPhoto"):
            chat = body.get("chat_id")
            chat_info = {"id": chat if isinstance(chat, int) else -100123}
            if isinstance(chat, str):
                chat_info["username"] = chat.lstrip("@")
            return {"message_id": 40 + count, "chat": chat_info, "date": 0}
        if method == "getMe":
            return {"id": 1, "is_bot": True, "username": "pervichka_test_bot"}
        if method == "getFile":
            return {"file_id": body.get("file_id"), "file_path": "photos/file.jpg"}
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
